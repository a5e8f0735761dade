namespace AimcHil.Training.Analog;

/// <summary>Where an analog layer's forward pass is computed.</summary>
public enum ForwardPath
{
    /// <summary>Full precision on the host: y = x·W + b.</summary>
    Software,

    /// <summary>Measured on the chip: inputs through the DACs, MACs through the ADCs.</summary>
    Chip,

    /// <summary>On the host through a model of the chip: weights drawn from the device's programming-noise law for
    /// every batch, DAC and ADC quantization with straight-through gradients.</summary>
    NoisyModel,

    /// <summary>On the host through the chip's deterministic physics (IR-drop network, device I–V curve, DAC and ADC
    /// quantization), differentiated exactly block by block.</summary>
    PhysicalModel,
}
