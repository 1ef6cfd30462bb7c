using Vigil.Core.Security;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Hosting;

/// <summary>SIGHUP reloads the config, as in Alertmanager, and the log says how it went (docs/api.md: "logs either").</summary>
public sealed class SighupReloadTests
{
    private const string Config = """
        route:
          receiver: ops
        receivers:
          - name: ops
        """;

    /// <summary>A config file that cannot be read was reported only as "SIGHUP: reloading the configuration": the
    /// error was returned by the reload and dropped.</summary>
    [Fact]
    public async Task Each_reload_logs_its_outcome_even_an_unreadable_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        var config = Path.Combine(database.DataDirectory, "vigil.yml");
        await File.WriteAllTextAsync(config, Config);
        var token = await RunningVigil.CreateTokenAsync(database, "sighup-test", Role.Viewer);
        using var vigil = await VigilProcess.StartAsync(database, token, config);

        File.Delete(config);
        await HangUpAsync(vigil);
        await Eventually.TrueAsync(() => Task.FromResult(vigil.Server.Output.Contains("SIGHUP: the configuration was not reloaded", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "the failed reload in the log\n" + vigil.Server.Output);
        Assert.Contains("cannot read the config file", vigil.Server.Output);

        await File.WriteAllTextAsync(config, Config);
        await HangUpAsync(vigil);
        await Eventually.TrueAsync(() => Task.FromResult(vigil.Server.Output.Contains("SIGHUP: the configuration is reloaded", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "the reload in the log\n" + vigil.Server.Output);
    }

    private static async Task HangUpAsync(VigilProcess vigil)
    {
        var (code, _, error) = await ExternalProcess.RunAsync("kill", ["-HUP", vigil.Server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(code == 0, error);
    }
}
