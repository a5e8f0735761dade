using AimcHil.Characterization.Procedures;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Characterization.Calibration;

/// <summary>Fits a digital twin of a measured chip: an emulator preset whose device laws, lines and read-out were
/// fitted from the datasets, with the chip's own column gains, offsets and stuck map as measured arrays.</summary>
public static class TwinCalibration
{
    public static TwinFit Fit(MeasuredChip measured, IProgress<string>? progress = null)
    {
        var chip = measured.Chip;
        var report = new List<FitParameter>();
        progress?.Report("stuck map");
        var stuck = StuckFit.From(chip, measured.Points("stuck"));
        report.Add(new FitParameter("stuck_on_fraction", stuck.OnFraction, Binomial(stuck.OnFraction, stuck.Devices), "", double.NaN, "", "stuck"));
        report.Add(new FitParameter("stuck_off_fraction", stuck.OffFraction, Binomial(stuck.OffFraction, stuck.Devices), "", double.NaN, "", "stuck"));

        var fullScale = measured.Points("ir-drop").First(p => p.Scalars.ContainsKey("device_full_scale")).Scalar("device_full_scale");
        var design = TwinDesign.WithChipOutputScale(DeviceKnobs.WithMinState(TwinDesign.From(chip, fullScale), stuck.LowState), chip);

        progress?.Report("drift");
        var twin = DeviceFit.Drift(design, measured.Points("drift"), measured.Settings<TimedReadSettings>("drift"), stuck, report);
        progress?.Report("read noise");
        twin = DeviceFit.ReadNoise(twin, measured.Points("read-noise"), measured.Settings<TimedReadSettings>("read-noise"), stuck, report);
        progress?.Report("programming noise");
        twin = DeviceFit.Programming(twin, measured.Points("programming"), measured.Settings<ProgrammingSettings>("programming"), stuck, report);
        twin = DeviceKnobs.WithStuckFractions(twin, stuck.OnFraction, stuck.OffFraction);

        progress?.Report("word- and bit-line resistance");
        var transfer = ReadoutSweep.From(chip, measured.Points("transfer"), "transfer", stuck);
        var irDrop = ReadoutSweep.From(chip, measured.Points("ir-drop"), "ir-drop", stuck);
        var sameTile = transfer.FirstOrDefault(s => s.Tile == irDrop[0].Tile)
            ?? throw new AimcException($"the transfer dataset lacks tile {irDrop[0].Tile}, the tile of the ir-drop dataset: the line fit needs both on one tile");
        var missingTiles = Enumerable.Range(0, chip.Tiles).Except(transfer.Select(s => s.Tile)).ToArray();
        if (missingTiles.Length > 0)
        {
            throw new AimcException($"the transfer dataset lacks tile(s) {string.Join(", ", missingTiles)}: the twin needs every column's gain (--resume it)");
        }

        // The I–V bend shapes a current-domain column's transfer (the read voltage follows the input); it is fitted
        // before the lines so that the ir-drop sweep, whose drives differ in input, is not explained by wrong lines.
        IvEstimate? bend = null;
        if (chip.Domain == ComputationDomain.Current && chip.Device == DeviceTechnology.Rram && chip.NonIdealities.Any(n => n.Name == "iv_nonlinearity" && n.Enabled))
        {
            progress?.Report("device I–V bend");
            bend = IvFit.Fit(design, transfer);
            design = IvFit.With(design, bend.A2PerVolt, bend.A3PerVoltSquared);
        }

        // A floating bit line (resistive division) is no IR-drop network: such a chip has no line resistance to fit,
        // and the emulator refuses any.
        var wires = new WireConfig();
        if (chip.Domain != ComputationDomain.ResistiveDivision)
        {
            var lines = ReadoutFit.Wires(design, sameTile, irDrop, fullScale);
            if (bend is not null)
            {
                // The bend was fitted on ideal lines; once more under the fitted ones, then the lines under it.
                bend = Bend(design with { Wires = new WireConfig { WordSegmentOhm = lines.WordOhm, BitSegmentOhm = lines.BitOhm } }, transfer);
                design = IvFit.With(design, bend.A2PerVolt, bend.A3PerVoltSquared);
                lines = ReadoutFit.Wires(design, sameTile, irDrop, fullScale);
            }

            wires = new WireConfig { WordSegmentOhm = lines.WordOhm, BitSegmentOhm = lines.BitOhm };
            report.Add(new FitParameter("wires.word_segment_ohm", lines.WordOhm, lines.WordSigmaOhm, "Ω", lines.ResidualMac, "MAC", "ir-drop, transfer"));
            report.Add(new FitParameter("wires.bit_segment_ohm", lines.BitOhm, lines.BitSigmaOhm, "Ω", lines.ResidualMac, "MAC", "ir-drop, transfer"));
        }

        if (bend is not null)
        {
            twin = IvFit.With(twin, bend.A2PerVolt, bend.A3PerVoltSquared);
            report.Add(new FitParameter("rram.iv_a2_per_volt", bend.A2PerVolt, bend.A2Sigma, "1/V", bend.ResidualMac, "MAC", "transfer"));
            report.Add(new FitParameter("rram.iv_a3_per_volt_squared", bend.A3PerVoltSquared, bend.A3Sigma, "1/V²", bend.ResidualMac, "MAC", "transfer"));
        }

        progress?.Report("column gains, offsets and ADC bow");
        var gains = new float[chip.Tiles][];
        var offsets = new float[chip.Tiles][];
        var peaks = new List<double>();
        double residualSquares = 0;
        foreach (var sweep in transfer)
        {
            var columns = ReadoutFit.Columns(design with { Wires = wires }, sweep);
            gains[sweep.Tile] = Array.ConvertAll(columns.Gain, v => (float)v);
            offsets[sweep.Tile] = Array.ConvertAll(columns.OffsetMac, v => (float)(v / chip.MacFullScale));
            peaks.AddRange(columns.InlPeakLsb);
            residualSquares += columns.ResidualRmsMac * columns.ResidualRmsMac;
        }

        var columnResidual = Math.Sqrt(residualSquares / transfer.Count);
        var allGains = gains.SelectMany(g => g).Select(v => (double)v).ToArray();
        var allOffsets = offsets.SelectMany(o => o).Select(v => (double)v).ToArray();
        var inl = peaks.Average();
        // Relative to the mean gain, which also holds what all columns share (a charge-domain chip's device I–V bend
        // at its read voltage, 10 % on the RRAM preset): the mismatch is the spread around it.
        var gainSigma = Spread(allGains) / allGains.Average();
        report.Add(new FitParameter("column_mismatch.gain_sigma", gainSigma, gainSigma / Math.Sqrt(2 * allGains.Length), "relative", columnResidual, "MAC", "transfer"));
        report.Add(new FitParameter("column_mismatch.offset_sigma_full_scale", Spread(allOffsets), Spread(allOffsets) / Math.Sqrt(2 * allOffsets.Length), "full scale", columnResidual, "MAC", "transfer"));
        report.Add(new FitParameter("adc.inl_peak_lsb", inl, Spread(peaks.ToArray()) / Math.Sqrt(peaks.Count), "LSB", columnResidual, "MAC", "transfer"));

        twin = twin with
        {
            Wires = wires,
            Adc = twin.Adc with { InlPeakLsb = inl },
            ColumnMismatch = new ColumnMismatchConfig { Enabled = true, GainSigma = gainSigma, OffsetSigmaFullScale = Spread(allOffsets) },
        };
        return new TwinFit(twin, gains, offsets, stuck, report);
    }

    private static IvEstimate Bend(ChipPreset design, IReadOnlyList<ReadoutSweep> transfer) => IvFit.Fit(design, transfer);

    private static double Binomial(double p, long n) => Math.Sqrt(p * (1 - p) / n);

    private static double Spread(double[] values)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
