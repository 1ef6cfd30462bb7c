using Vigil.Analytics.Logs.Loghub;

namespace Vigil.Analytics.Tests.Logs;

/// <summary>
/// formats.json that is not what it should be: a <see cref="FormatException"/> naming the file and what is wrong. Found by
/// fuzzing <c>vigil logs accuracy</c>: each was a bare .NET message and exit 1 ("The given key was not present in the
/// dictionary.", "The requested operation requires an element of type 'Object'…", "Sequence contains no elements").
/// </summary>
public sealed class LoghubDatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-loghub-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Formats(string json)
    {
        var path = Path.Combine(_dir, "formats.json");
        File.WriteAllText(path, json);
        return path;
    }

    private const string Good = """{"log_file": "a.log", "log_format": "<Content>", "regex": ["blk_\\d+"], "ground_truth": "t.csv"}""";

    [Fact]
    public void A_valid_file_gives_its_systems_with_absolute_paths()
    {
        var dataset = Assert.Single(LoghubDataset.ReadFormats(Formats($$"""{"A": {{Good}}}""")));
        Assert.Equal(("A", Path.Combine(_dir, "a.log"), "<Content>", Path.Combine(_dir, "t.csv")),
            (dataset.Name, dataset.LogFile, dataset.LogFormat, dataset.GroundTruth));
        Assert.Equal([@"blk_\d+"], dataset.Regex);
    }

    [Theory]
    [InlineData("", "formats.json:1: invalid JSON: ")]
    [InlineData("{\"A\": {\n  \"log_file\": x", "formats.json:2: invalid JSON: ")]
    [InlineData("[]", "formats.json: expected an object of systems, e.g. {\"HDFS\": {\"log_file\": …}}, found an array")]
    [InlineData("{}", "formats.json: no systems in it")]
    [InlineData("{\"A\": 5}", "formats.json: system \"A\": expected an object with log_file, log_format, regex and ground_truth, found a number")]
    [InlineData("{\"A\": {}}", "formats.json: system \"A\": \"log_format\" is missing")]
    [InlineData("{\"A\": {\"log_file\": null, \"log_format\": \"<Content>\", \"regex\": [], \"ground_truth\": \"t.csv\"}}", "system \"A\": \"log_file\" must be a string, not null")]
    [InlineData("{\"A\": {\"log_file\": 5, \"log_format\": \"<Content>\", \"regex\": [], \"ground_truth\": \"t.csv\"}}", "system \"A\": \"log_file\" must be a string, not a number")]
    [InlineData("{\"A\": {\"log_file\": \"a.log\", \"log_format\": \"<Content>\", \"regex\": []}}", "system \"A\": \"ground_truth\" is missing")]
    [InlineData("{\"A\": {\"log_file\": \"\", \"log_format\": \"<Content>\", \"regex\": [], \"ground_truth\": \"t.csv\"}}", "system \"A\": \"log_file\" is empty")]
    [InlineData("{\"A\": {\"log_file\": \"a.log\", \"log_format\": \"<Nope>\", \"regex\": [], \"ground_truth\": \"t.csv\"}}", "system \"A\": invalid log_format: the format needs a <Content> field")]
    [InlineData("{\"A\": {\"log_file\": \"a.log\", \"log_format\": \"<Content>\", \"ground_truth\": \"t.csv\"}}", "system \"A\": \"regex\" must be an array of masking regexes (may be empty), and is missing")]
    [InlineData("{\"A\": {\"log_file\": \"a.log\", \"log_format\": \"<Content>\", \"regex\": \"x\", \"ground_truth\": \"t.csv\"}}", "system \"A\": \"regex\" must be an array of masking regexes (may be empty), not a string")]
    [InlineData("{\"A\": {\"log_file\": \"a.log\", \"log_format\": \"<Content>\", \"regex\": [\"ok\", 3], \"ground_truth\": \"t.csv\"}}", "system \"A\": regex[1] must be a string, not a number")]
    [InlineData("{\"A\": {\"log_file\": \"a.log\", \"log_format\": \"<Content>\", \"regex\": [\"[\"], \"ground_truth\": \"t.csv\"}}", "system \"A\": regex[0]: invalid mask regex '['")]
    public void A_file_that_is_not_a_formats_json_is_a_format_error_naming_it_and_what_is_wrong(string json, string expected)
    {
        var path = Formats(json);
        var error = Assert.Throws<FormatException>(() => LoghubDataset.ReadFormats(path));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_of_exactly_1_MiB_is_read_and_one_byte_more_is_refused()
    {
        var json = $$"""{"A": {{Good}}}""";
        var path = Formats(json.PadRight(LoghubDataset.MaxFormatsBytes));
        Assert.Equal("A", Assert.Single(LoghubDataset.ReadFormats(path)).Name);

        File.AppendAllText(path, " ");
        var error = Assert.Throws<FormatException>(() => LoghubDataset.ReadFormats(path));
        Assert.Equal($"{path}: larger than 1 MiB; a formats.json describes a few systems in a few KB", error.Message);
    }

    [SkippableFact]
    public void An_endless_file_is_refused_after_a_bounded_read()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "/dev/zero is Linux only");
        var error = Assert.Throws<FormatException>(() => LoghubDataset.ReadFormats("/dev/zero"));
        Assert.Equal("/dev/zero: larger than 1 MiB; a formats.json describes a few systems in a few KB", error.Message);
    }
}
