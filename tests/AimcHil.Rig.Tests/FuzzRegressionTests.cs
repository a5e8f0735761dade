using AimcHil.Core;

namespace AimcHil.Rig.Tests;

/// <summary>Rig file texts the fuzzer (tools/fuzz, target rigfile) found to end in an exception other than the
/// documented <see cref="AimcException"/>, kept so they stay fixed. Each text is the shortest that showed it.</summary>
public class FuzzRegressionTests
{
    [Theory(Skip = "fuzz crash, owner fixing: RigFileReader.Parse catches only YamlException, and YamlDotNet throws ArgumentException for a tag that is not a valid URI")]
    [InlineData("!!%06")]
    [InlineData("!<%06> x")]
    public void A_tag_that_is_not_a_valid_uri_is_a_one_line_error(string yaml)
    {
        var e = Assert.Throws<AimcException>(() => RigFileReader.Parse(yaml, "fuzz.yaml"));

        Assert.StartsWith("fuzz.yaml:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}
