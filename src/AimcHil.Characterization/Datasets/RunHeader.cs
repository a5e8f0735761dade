using AimcHil.Core;

namespace AimcHil.Characterization.Datasets;

/// <summary>What a dataset says about the run that measured it: procedure, chip, rig snapshot, settings and software.</summary>
/// <param name="RigSnapshot">The rig file's text as it was when the run started (the instruments' snapshot).</param>
/// <param name="SettingsJson">The procedure's settings as JSON; a resume must bring the same settings.</param>
/// <param name="Seed">The seed an emulated chip was reseeded from, null on hardware.</param>
public sealed record RunHeader(
    string Procedure,
    ChipInfo Chip,
    string RigSnapshot,
    string SettingsJson,
    string SoftwareVersion,
    ulong? Seed);
