using System.Text;
using System.Text.RegularExpressions;
using Vigil.Analytics.Logs;
using Vigil.Analytics.Logs.Loghub;

namespace Vigil.Analytics.Tests.Logs;

/// <summary>
/// <see cref="SimpleRegex"/> must find exactly what .NET's regex finds: checked against the real regex on every
/// Loghub-2k line and on random strings made of the characters these patterns care about.
/// </summary>
public sealed class SimpleRegexTests
{
    // Accepted patterns: formats.json's simple masks and others that exercise groups, counts, classes and \b.
    private static readonly string[] Simple =
    [
        @"blk_-?\d+", @"(\d+\.){3}\d+(:\d+)?", @"(\d+\.){3}\d+", @"core\.\d+", @"\d{2}:\d{2}:\d{2}", @"\b[KGTM]?B\b",
        @"\d+\.\d+", @"x\d*y", @"(ab)+c", @"[a-c]{2,3}d", @"(a\d+)?b", @"(?:k\d)+", @"\d\d+x", @"[^ =]+=\d+", @"\w+:",
        @"<\*>\.\d", @"\bblk\b", @"-?\d+(\.\d+)?ms", @"\s+\d{1,3}", @"(\d+:){2,}x", @"(\d+-)?x\d+", @"ab\d+", @"\d+:\d+", @"[ab]+\.\d",
        // One top-level group that gives back whole repetitions (Spark's, OpenSSH's and Mac's name mask, Proxifier's).
        @"([\w-]+\.){2,}[\w-]+", @"([\w-]+\.)+[\w-]+(:\d+)?", @"(\d+,)*\d+", @"(ab)+a", @"x(\d+\.){1,3}\d", @"(k\d)*k", @"(a\d*)+a",
    ];

    // Patterns the greedy matcher cannot follow (or chooses not to): they must be refused.
    private static readonly string[] Refused =
    [
        @"(/|)(\d+\.){3}\d+(:\d+)?", @"\d*", @"(a|b)", @"^\d+", @"\d+$", @"\d+?", @"\d+\b",
        @"[\d.]+\b", @"\d+\d", @"(\d+)+", @"a(?=b)", @"(?i)blk", @"\p{L}+", @"\t\d", @"[]a]", @"a{2", @"(a*)+b", @"\d+\w",
        @"é\d", @"[^ ]+=\d+", @"(\d+\.)+(\d+\.)+\d",
    ];

    private const string Alphabet = "0123456789012345.:-_ abkcdmsxyBKGTM<*>=/.\té";

    [Fact]
    public void Simple_patterns_are_accepted_and_others_refused()
    {
        Assert.All(Simple, p => Assert.NotNull(SimpleRegex.TryCreate(p)));
        Assert.All(Refused, p => Assert.Null(SimpleRegex.TryCreate(p)));
    }

    [Fact]
    public void Matches_equal_the_real_regex_on_random_strings()
    {
        var random = new Random(3);
        var text = new StringBuilder();
        foreach (var pattern in Simple)
        {
            var simple = SimpleRegex.TryCreate(pattern)!;
            var regex = new Regex(pattern, RegexOptions.CultureInvariant);
            for (var n = 0; n < 20_000; n++)
            {
                text.Clear();
                var length = random.Next(0, 40);
                for (var i = 0; i < length; i++)
                {
                    text.Append(random.Next(4) == 0 ? "blk_" : Alphabet[random.Next(Alphabet.Length - 1)].ToString());
                }
                AssertSameMatches(pattern, simple, regex, text.ToString());
            }
        }
    }

    [SkippableFact]
    public void Matches_equal_the_real_regex_on_every_loghub_line()
    {
        var formats = FindFormats();
        Skip.If(formats is null, "../shared/data/loghub-2k/formats.json not found: Loghub comparison skipped");
        var datasets = LoghubDataset.ReadFormats(formats!);
        var lines = datasets.SelectMany(d => File.ReadLines(d.LogFile)).Where(l => Ascii.IsValid(l)).ToList();
        var patterns = Simple.Concat(datasets.SelectMany(d => d.Regex)).Distinct();
        foreach (var pattern in patterns)
        {
            if (SimpleRegex.TryCreate(pattern) is not { } simple)
            {
                continue; // refused: the masker keeps the real regex
            }
            var regex = new Regex(pattern, RegexOptions.CultureInvariant);
            foreach (var line in lines)
            {
                AssertSameMatches(pattern, simple, regex, line);
            }
        }
    }

    [SkippableFact]
    public void The_masker_masks_loghub_lines_as_the_real_regexes_do()
    {
        var formats = FindFormats();
        Skip.If(formats is null, "../shared/data/loghub-2k/formats.json not found: Loghub comparison skipped");
        foreach (var dataset in LoghubDataset.ReadFormats(formats!))
        {
            var masker = new VariableMasker(dataset.Regex, builtIns: false);
            var regexes = dataset.Regex.Select(p => new Regex(p, RegexOptions.CultureInvariant)).ToList();
            foreach (var line in File.ReadLines(dataset.LogFile))
            {
                var expected = line;
                foreach (var regex in regexes)
                {
                    expected = regex.Replace(expected, m => m.Length == 0 ? string.Empty : "<*>");
                }
                Assert.Equal(expected, masker.Mask(line).ToString());
            }
        }
    }

    [Fact]
    public void A_line_that_exhausts_the_step_budget_goes_to_the_real_regex()
    {
        var masker = new VariableMasker([@"\d\d+x", @"blk_\d+"], builtIns: false);
        var line = "blk_1 " + new string('7', 4000) + " blk_2 7x";
        // About 4,000² / 2 steps, past the budget: the real regex answers.
        var budget = SimpleRegex.StepBudget;
        Assert.False(SimpleRegex.TryCreate(@"\d\d+x")!.TryFind(line, 0, ref budget, out _, out _));
        Assert.True(budget < 0);
        Assert.Equal(ReplaceAll(line, [@"\d\d+x", @"blk_\d+"]), masker.Mask(line).ToString());
    }

    private static string ReplaceAll(string text, string[] patterns)
    {
        foreach (var p in patterns)
        {
            text = Regex.Replace(text, p, "<*>", RegexOptions.CultureInvariant);
        }
        return text;
    }

    private static void AssertSameMatches(string pattern, SimpleRegex simple, Regex regex, string text)
    {
        var expected = new List<(int, int)>();
        foreach (var m in regex.EnumerateMatches(text))
        {
            expected.Add((m.Index, m.Length));
        }
        var actual = new List<(int, int)>();
        if (Ascii.IsValid(text))
        {
            var budget = SimpleRegex.StepBudget;
            var from = 0;
            while (simple.TryFind(text, from, ref budget, out var index, out var length))
            {
                actual.Add((index, length));
                from = index + length;
            }
            Assert.True(budget >= 0);
        }
        else
        {
            actual = expected; // the masker sends such lines to the real regex
        }
        Assert.True(expected.SequenceEqual(actual), $"/{pattern}/ on \"{text}\": regex {string.Join(' ', expected)}, simple {string.Join(' ', actual)}");
    }

    private static string? FindFormats()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vigil.sln")))
            {
                var path = Path.Combine(dir.FullName, "..", "shared", "data", "loghub-2k", "formats.json");
                return File.Exists(path) ? Path.GetFullPath(path) : null;
            }
        }
        return null;
    }
}
