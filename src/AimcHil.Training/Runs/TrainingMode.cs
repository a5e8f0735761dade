namespace AimcHil.Training.Runs;

/// <summary>How a network is trained with respect to the chip (docs/architecture.md §3).</summary>
public enum TrainingMode
{
    /// <summary>Full precision in software; no chip.</summary>
    Software,

    /// <summary>Train in software, program the chip once, evaluate on the chip.</summary>
    Naive,

    /// <summary>Probabilistic hardware-aware training: device programming noise sampled per batch, DAC/ADC
    /// quantization with straight-through gradients; evaluated on the chip.</summary>
    Noise,

    /// <summary>Physical modeling: trained through the chip's deterministic physics as a differentiable model, then
    /// deployed once and evaluated on the chip.</summary>
    Physical,

    /// <summary>Hardware in the loop: forward measured on the chip, backward through a model at the measured inputs.</summary>
    Hil,

    /// <summary>Progressive fine-tuning (NeuRRAM): program layer n, measure its outputs on the training data, fine-tune
    /// the later layers in software on them, repeat layer by layer.</summary>
    Progressive,
}
