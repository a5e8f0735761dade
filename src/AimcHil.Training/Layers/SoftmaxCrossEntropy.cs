using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>Softmax followed by cross-entropy against class labels, the classification loss, fused so the gradient
/// with respect to the logits is the simple, well-conditioned softmax − onehot.</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Mean cross-entropy over the batch and its gradient (softmax − onehot) / batch with respect to the
    /// logits (batch × classes). Rows are shifted by their maximum so large logits cannot overflow exp.</summary>
    public static (double Loss, Grid<float> Gradient) Evaluate(Grid<float> logits, int[] labels)
    {
        CheckLabels(logits, labels);
        var gradient = new Grid<float>(logits.Rows, logits.Cols);
        if (logits.Rows == 0)
        {
            return (0.0, gradient);
        }

        var scale = 1.0 / logits.Rows;
        var total = 0.0;
        for (var r = 0; r < logits.Rows; r++)
        {
            var row = logits.Row(r);
            var g = gradient.Row(r);
            var max = double.NegativeInfinity;
            foreach (var z in row)
            {
                max = Math.Max(max, z);
            }

            // Sums run in double: the loss is compared across steps and finite-difference checks, where float
            // rounding of a long sum would show.
            var sum = 0.0;
            for (var c = 0; c < row.Length; c++)
            {
                var e = Math.Exp(row[c] - max);
                g[c] = (float)e;
                sum += e;
            }

            total += Math.Log(sum) - (row[labels[r]] - max);
            for (var c = 0; c < row.Length; c++)
            {
                g[c] = (float)(((g[c] / sum) - (c == labels[r] ? 1.0 : 0.0)) * scale);
            }
        }

        return (total * scale, gradient);
    }

    /// <summary>The class with the largest logit per row; ties go to the lower class index.</summary>
    public static int[] Predict(Grid<float> logits)
    {
        var predictions = new int[logits.Rows];
        for (var r = 0; r < logits.Rows; r++)
        {
            var row = logits.Row(r);
            var best = 0;
            for (var c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            predictions[r] = best;
        }

        return predictions;
    }

    /// <summary>Fraction of rows whose argmax equals the label, in [0, 1] (0 for an empty batch).</summary>
    public static double Accuracy(Grid<float> logits, int[] labels)
    {
        CheckLabels(logits, labels);
        if (labels.Length == 0)
        {
            return 0.0;
        }

        var predictions = Predict(logits);
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (predictions[i] == labels[i])
            {
                correct++;
            }
        }

        return (double)correct / labels.Length;
    }

    private static void CheckLabels(Grid<float> logits, int[] labels)
    {
        if (labels.Length != logits.Rows)
        {
            throw new ArgumentException($"{labels.Length} labels for {logits.Rows} rows of logits", nameof(labels));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)logits.Cols)
            {
                throw new ArgumentException($"label {labels[i]} of example {i} is outside the {logits.Cols} classes", nameof(labels));
            }
        }
    }
}
