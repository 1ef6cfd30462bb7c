using Vigil.Analytics.IO;
using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

/// <summary>
/// A file that cannot be read is a config error with its file (or the naming node's line): a directory raised
/// UnauthorizedAccessException, which /-/reload answered with a 500 and a stack trace.
/// </summary>
public sealed class ConfigFileReadTests : IDisposable
{
    private const string Base = "route:\n  receiver: r\nreceivers:\n  - name: r\nintegrations:\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-config-read-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ConfigError LoadError(string yaml)
    {
        var file = Path.Combine(_dir, "vigil.yml");
        File.WriteAllText(file, yaml);
        return Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Errors);
    }

    [Fact]
    public void A_routing_key_file_that_is_a_directory_is_an_error_at_its_line()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "keydir"));

        var error = LoadError(Base + "  - {name: a, service: s,\n     routing_key_file: keydir}\n");

        Assert.Equal((Path.Combine(_dir, "vigil.yml"), 7, 24), (error.File, error.Line, error.Column));
        Assert.Equal($"cannot read routing_key_file \"keydir\": {Path.Combine(_dir, "keydir")} is a directory, not a file", error.Message);
    }

    [Fact]
    public void An_empty_routing_key_file_is_an_error_at_its_line()
    {
        var error = LoadError(Base + "  - {name: a, service: s, routing_key_file: \"\"}\n");

        Assert.Equal((6, 45), (error.Line, error.Column));
        Assert.Equal("\"routing_key_file\" is empty; give the path of a file", error.Message);
    }

    [Fact]
    public void A_missing_routing_key_file_is_an_error_at_its_line()
    {
        var error = LoadError(Base + "  - {name: a, service: s, routing_key_file: keys/missing}\n");

        Assert.Equal(6, error.Line);
        Assert.StartsWith("cannot read routing_key_file \"keys/missing\": ", error.Message);
    }

    [Fact]
    public void A_readable_routing_key_file_is_read_relative_to_the_config()
    {
        File.WriteAllText(Path.Combine(_dir, "key"), "0123456789abcdef0123456789abcdef\n");
        var file = Path.Combine(_dir, "vigil.yml");
        File.WriteAllText(file, Base + "  - {name: a, service: s, routing_key_file: key}\n");

        Assert.Equal("a", Assert.Single(ConfigLoader.Load(file).Integrations).Name);
    }

    [Fact]
    public void A_config_path_that_is_a_directory_is_a_config_error()
    {
        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(_dir)).Errors);

        Assert.Equal((_dir, 1, 1), (error.File, error.Line, error.Column));
        Assert.Equal($"cannot read the config file: {_dir} is a directory, not a file", error.Message);
    }

    [Fact]
    public void A_missing_config_file_is_a_config_error()
    {
        var missing = Path.Combine(_dir, "missing.yml");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(missing)).Errors);

        Assert.Equal((missing, 1), (error.File, error.Line));
        Assert.StartsWith("cannot read the config file: ", error.Message);
    }

    /// <summary>A file of <paramref name="bytes"/> zero bytes written in no time: a sparse file.</summary>
    private string Sparse(string name, long bytes)
    {
        var path = Path.Combine(_dir, name);
        using var file = File.Create(path);
        file.SetLength(bytes);
        return path;
    }

    [Fact]
    public void A_config_file_over_16_MiB_is_an_error_at_its_line_1_not_read_whole()
    {
        var path = Sparse("vigil.yml", BoundedFile.MaxBytes + 1);

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(path)).Errors);

        Assert.Equal((path, 1, 1), (error.File, error.Line, error.Column));
        Assert.Equal($"cannot read the config file: {path} holds more than 16 MiB, the most Vigil reads from one file", error.Message);
    }

    [Fact]
    public void A_routing_key_file_that_never_ends_is_an_error_at_its_line()
    {
        // /dev/zero was read until the process was killed past 3 GB (check-config, serve and a reload alike).
        var endless = OperatingSystem.IsWindows() ? Sparse("endless", BoundedFile.MaxBytes + 1) : "/dev/zero";

        var error = LoadError(Base + $"  - {{name: a, service: s, routing_key_file: {endless}}}\n");

        Assert.Equal(6, error.Line);
        Assert.Equal($"cannot read routing_key_file \"{endless}\": {endless} holds more than 16 MiB, the most Vigil reads from one file", error.Message);
    }

    [Fact]
    public void A_secret_file_over_16_MiB_is_an_error_at_its_line()
    {
        var big = Sparse("token", BoundedFile.MaxBytes + 1);

        var error = LoadError("route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_configs:\n      - url: 'https://x/'\n"
            + "        http_config: {bearer_token_file: token}\n");

        Assert.Equal(7, error.Line);
        Assert.Equal($"\"bearer_token_file\": cannot read secret file {big}: {big} holds more than 16 MiB, the most Vigil reads from one file", error.Message);
    }

    [Fact]
    public void An_slo_file_over_16_MiB_is_an_error_of_that_file()
    {
        var big = Sparse("slos.yaml", BoundedFile.MaxBytes + 1);

        var error = LoadError("route:\n  receiver: r\nreceivers:\n  - name: r\nslos:\n  files: [slos.yaml]\n");
        var alone = Assert.Single(Vigil.Core.Slo.OpenSlo.OpenSloCatalog.Load([big]).Errors);

        Assert.Equal((big, 1), (error.File, error.Line));
        Assert.Equal($"cannot read the file: {big} holds more than 16 MiB, the most Vigil reads from one file", error.Message);
        Assert.Equal(error, alone);
    }

    [Fact]
    public void Exactly_16_MiB_is_read()
    {
        var path = Sparse("limit", BoundedFile.MaxBytes);

        Assert.Equal(BoundedFile.MaxBytes, BoundedFile.ReadAllText(path).Length);
    }

    /// <summary>A NUL in a path made .NET throw, and check-config exit 1 with "Null character in path." and no line.</summary>
    [Theory]
    [InlineData("integrations:\n  - {name: a, service: s, routing_key_file: \"key\\0.txt\"}\n", 6, 45, "routing_key_file")]
    [InlineData("slos:\n  files: [ok.yaml, \"slo\\0.yaml\"]\n", 6, 20, "slos.files entry")]
    [InlineData("  - name: w\n    webhook_configs:\n      - url: 'https://x/'\n        http_config: {bearer_token_file: \"key\\0.txt\"}\n", 8, 42, "bearer_token_file")]
    public void A_path_with_a_nul_character_is_an_error_at_its_line(string section, int line, int column, string key)
    {
        File.WriteAllText(Path.Combine(_dir, "ok.yaml"), "");

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Load(WriteConfig("route:\n  receiver: r\nreceivers:\n  - name: r\n" + section))).Errors;

        var error = Assert.Single(errors, e => e.Message.Contains("NUL", StringComparison.Ordinal));
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal($"{key} \"{(key == "slos.files entry" ? "slo\\0.yaml" : "key\\0.txt")}\" is not a valid path: it contains a NUL character", error.Message);
    }

    private string WriteConfig(string yaml)
    {
        var file = Path.Combine(_dir, "vigil.yml");
        File.WriteAllText(file, yaml);
        return file;
    }
}
