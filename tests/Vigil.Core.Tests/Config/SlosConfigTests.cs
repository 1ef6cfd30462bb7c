using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

public sealed class SlosConfigTests : IDisposable
{
    private const string Base = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    private const string Slo = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-errors
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          objectives:
            - target: 0.99
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-slos-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Slo_files_are_read_relative_to_the_config_file()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "slos"));
        File.WriteAllText(Path.Combine(_dir, "slos", "checkout.yaml"), Slo);

        var config = ConfigLoader.Parse(Base + "slos:\n  files: [slos/checkout.yaml]\n", Path.Combine(_dir, "vigil.yml"));

        Assert.Equal(Path.Combine(_dir, "slos", "checkout.yaml"), Assert.Single(config.Slos.Files));
        Assert.Equal("checkout-availability", Assert.Single(config.Slos.Catalog.Slos).Name);
    }

    [Fact]
    public void Errors_in_slo_files_fail_the_config_with_their_position()
    {
        File.WriteAllText(Path.Combine(_dir, "bad.yaml"), Slo.Replace("0.99", "1.5", StringComparison.Ordinal));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "slos:\n  files: [bad.yaml, missing.yaml]\n", Path.Combine(_dir, "vigil.yml")));

        Assert.Contains(ex.Errors, e => e.File.EndsWith("bad.yaml", StringComparison.Ordinal) && e.Line == 15);
        Assert.Contains(ex.Errors, e => e.File.EndsWith("missing.yaml", StringComparison.Ordinal) && e.Message.Contains("cannot read", StringComparison.Ordinal));
    }

    [Fact]
    public void No_slos_section_means_no_slos() => Assert.Empty(ConfigLoader.Parse(Base, "vigil.yml").Slos.Catalog.Slos);
}
