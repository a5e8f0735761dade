namespace AimcHil.Emulator.Circuits;

/// <summary>Numbering of the dense reference's nodes: free unknowns, the row drivers and the ground.</summary>
internal sealed class DenseNodes
{
    public const int Ground = -1;

    private readonly int rows;
    private readonly int cols;
    private readonly bool wordsAreDriven;
    private readonly bool bitsAreGrounded;
    private readonly int[] free;

    public DenseNodes(int rows, int cols, bool wordsAreDriven, bool bitsAreGrounded)
    {
        this.rows = rows;
        this.cols = cols;
        this.wordsAreDriven = wordsAreDriven;
        this.bitsAreGrounded = bitsAreGrounded;
        free = new int[2 * rows * cols];
        var next = 0;
        for (var n = 0; n < free.Length; n++)
        {
            var isWord = n < rows * cols;
            free[n] = (isWord && wordsAreDriven) || (!isWord && bitsAreGrounded) ? -1 : next++;
        }

        FreeCount = next;
    }

    public int FreeCount { get; }

    // Node ids: 0..RC−1 word nodes, RC..2RC−1 bit nodes, 2RC+i driver of row i, −1 ground.
    public int Word(int i, int j) => wordsAreDriven ? Driver(i) : (i * cols) + j;

    public int Bit(int i, int j) => bitsAreGrounded ? Ground : (rows * cols) + (i * cols) + j;

    public int Driver(int i) => (2 * rows * cols) + i;

    public int Free(int node) => node >= 0 && node < free.Length ? free[node] : -1;

    public int DriverRow(int node) => node >= 2 * rows * cols ? node - (2 * rows * cols) : -1;
}
