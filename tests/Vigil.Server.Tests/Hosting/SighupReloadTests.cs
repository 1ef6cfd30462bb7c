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
        await Eventually.TrueAsync(() => Task.FromResult(vigil.Server.Output.Contains("Configuration not reloaded (requested by SIGHUP)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "the failed reload in the log\n" + vigil.Server.Output);
        Assert.Contains("cannot read the config file", vigil.Server.Output);

        await File.WriteAllTextAsync(config, Config);
        await HangUpAsync(vigil);
        await Eventually.TrueAsync(() => Task.FromResult(vigil.Server.Output.Contains("Configuration reloaded (requested by SIGHUP)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "the reload in the log\n" + vigil.Server.Output);
    }

    /// <summary>An invalid config was logged twice per SIGHUP: by the reload, and again by the signal handler.</summary>
    [Fact]
    public async Task An_invalid_config_is_logged_once_per_SIGHUP()
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

        await File.WriteAllTextAsync(config, Config.Replace("receiver: ops", "receiver: no-such-receiver", StringComparison.Ordinal));
        await HangUpAsync(vigil);
        await Eventually.TrueAsync(() => Task.FromResult(vigil.Server.Output.Contains("no-such-receiver", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "the failed reload in the log\n" + vigil.Server.Output);
        await File.WriteAllTextAsync(config, Config);
        await HangUpAsync(vigil);
        // Once the second reload is in the log, every line the first one wrote is too (the handler logged its copy
        // right after the reload returned).
        await Eventually.TrueAsync(() => Task.FromResult(vigil.Server.Output.Contains("Configuration reloaded (requested by SIGHUP)", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "both reloads in the log\n" + vigil.Server.Output);

        var output = vigil.Server.Output;
        Assert.Equal(1, Occurrences(output, "no-such-receiver"));
        Assert.Equal(1, Occurrences(output, "Configuration not reloaded (requested by SIGHUP); the previous one stays in force."));
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    /// <summary>A standby had no SIGHUP handler, so the runtime's default ended it: a reload sent to every vigil process
    /// (a service manager's reload) stopped the standby.</summary>
    [Fact]
    public async Task A_standby_ignores_SIGHUP_and_keeps_waiting()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        var config = Path.Combine(database.DataDirectory, "vigil.yml");
        await File.WriteAllTextAsync(config, Config);
        var token = await RunningVigil.CreateTokenAsync(database, "sighup-test", Role.Viewer);
        using var active = await VigilProcess.StartAsync(database, token, config);
        using var standby = ExternalProcess.StartBackground("dotnet", [Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "serve",
            "--urls", $"http://127.0.0.1:{ExternalProcess.FreePort()}", "--data-dir", database.DataDirectory, "--config", config]);
        await Eventually.TrueAsync(() => Task.FromResult(standby.Output.Contains("Standby:", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => "the second server waiting as a standby\n" + standby.Output);

        await HangUpAsync(standby.Id);

        await Eventually.TrueAsync(() => Task.FromResult(standby.Output.Contains("SIGHUP ignored", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "the ignored SIGHUP in the log\n" + standby.Output);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(standby.HasExited, standby.Output);
    }

    private static Task HangUpAsync(VigilProcess vigil) => HangUpAsync(vigil.Server.Id);

    private static async Task HangUpAsync(int processId)
    {
        var (code, _, error) = await ExternalProcess.RunAsync("kill", ["-HUP", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(code == 0, error);
    }
}
