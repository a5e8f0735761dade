using System.Runtime.CompilerServices;

namespace AimcHil.Hardware.Native;

/// <summary>The fixed <c>attrs[GPIO_V2_LINE_NUM_ATTRS_MAX]</c> array of a line config: ten attributes back to back.</summary>
[InlineArray(Count)]
internal struct GpioLineConfigAttributes
{
    public const int Count = 10; // GPIO_V2_LINE_NUM_ATTRS_MAX

    private GpioLineConfigAttribute _first;
}
