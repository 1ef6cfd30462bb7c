using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

/// <summary>
/// The engines behind a source's own masks: the linear one whenever it can run the pattern, else the backtracking one,
/// switched off (and reported) the first time it exceeds its time limit. Found by fuzzing the CLI: <c>(a+)+$</c> cost
/// every line its whole 200 ms time-out, and a time-out left the line unmasked without a word.
/// </summary>
public sealed class VariableMaskerTests
{
    private static readonly string Catastrophic = new string('a', 40) + "!";

    [Fact]
    public void A_pattern_that_backtracks_exponentially_runs_on_the_linear_engine()
    {
        var switchedOff = new List<string>();
        var masker = new VariableMasker([@"(a+)+$"], builtIns: false, switchedOff.Add);
        Assert.True(masker.RunsOnLinearEngine(0));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(Catastrophic, masker.Mask(Catastrophic).ToString());
        }
        // Each line cost the 200 ms time-out (5 s); linear, all of them take microseconds.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"25 lines took {clock.Elapsed}");
        Assert.Equal("user <*>", masker.Mask("user aaaa").ToString());
        Assert.Empty(switchedOff);
    }

    [Fact]
    public void A_backtracking_pattern_that_times_out_is_switched_off_and_reported_once()
    {
        // A look-ahead: the linear engine cannot run it.
        const string pattern = @"(a+)+(?=b)";
        var switchedOff = new List<string>();
        var masker = new VariableMasker([pattern], builtIns: false, switchedOff.Add);
        Assert.False(masker.RunsOnLinearEngine(0));
        Assert.Equal("<*>b", masker.Mask("aab").ToString());

        Assert.Equal(Catastrophic, masker.Mask(Catastrophic).ToString());
        Assert.Equal([pattern], switchedOff);
        Assert.True(masker.IsSwitchedOff(0));

        // Off from then on: later lines are left as they are, at once, and it is not reported again.
        var clock = Stopwatch.StartNew();
        Assert.Equal(Catastrophic, masker.Mask(Catastrophic).ToString());
        Assert.Equal("aab", masker.Mask("aab").ToString());
        Assert.True(clock.Elapsed < VariableMasker.BacktrackingTimeout, $"two lines took {clock.Elapsed}");
        Assert.Single(switchedOff);
    }

    [Fact]
    public void A_miner_reports_a_switched_off_mask_through_its_options()
    {
        var switchedOff = new List<string>();
        var miner = new LogMiner(new MinerOptions { MaskPatterns = [@"(a+)+(?=b)"], OnMaskSwitchedOff = switchedOff.Add });
        miner.Add("job " + Catastrophic + " done");
        Assert.Equal([@"(a+)+(?=b)"], switchedOff);
    }

    // Patterns the simple matcher refuses, so they run on the linear engine: LogPAI's settings for Loghub systems
    // (OpenStack, Windows, Zookeeper, HealthApp, Proxifier, Thunderbird) and alternations whose priority matters.
    private static readonly string[] LinearPatterns =
    [
        @"/.+?\s", @"0x.*?\s", @"(/|)(\d+\.){3}\d+(:\d+)?", @"\b(\-?\+?\d+)\b|\b0[Xx][a-fA-F\d]+\b|\b[a-fA-F\d]{4,}\b",
        @"\d{2}:\d{2}(:\d{2})*", @"((\d+\.){3}\d+,?)+", @"(/[\w-]+)+", @"<\d+\ssec", @"(a|ab)(c|bcd)", @"a+?b", @"(ab|a)b*",
        @"^\d+", @"\d+$", @"(?i)BLK_\d+", @"\d+\b",
    ];

    private const string Alphabet = "0123456789.:-_ abcdkxBKX<>=/\tsecé,";

    [Fact]
    public void The_linear_engine_masks_as_the_backtracking_engine_does()
    {
        var random = new Random(11);
        var text = new StringBuilder();
        foreach (var pattern in LinearPatterns)
        {
            var masker = new VariableMasker([pattern], builtIns: false);
            Assert.True(masker.RunsOnLinearEngine(0), pattern);
            var backtracking = new Regex(pattern, RegexOptions.CultureInvariant);
            for (var n = 0; n < 5_000; n++)
            {
                text.Clear();
                var length = random.Next(0, 40);
                for (var i = 0; i < length; i++)
                {
                    text.Append(Alphabet[random.Next(Alphabet.Length)]);
                }
                var line = text.ToString();
                var expected = backtracking.Replace(line, m => m.Length == 0 || m.Value.Trim().Length == 0 ? m.Value : Trimmed(m.Value));
                Assert.True(expected == masker.Mask(line).ToString(), $"{pattern} on '{line}': expected '{expected}', got '{masker.Mask(line).ToString()}'");
            }
        }
    }

    /// <summary>The masker's replacement: white space at either end of a match stays, the rest becomes one wildcard.</summary>
    private static string Trimmed(string match) =>
        match[..(match.Length - match.TrimStart().Length)] + "<*>" + match[match.TrimEnd().Length..];
}
