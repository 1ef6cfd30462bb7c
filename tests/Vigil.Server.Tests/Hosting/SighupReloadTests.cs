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
        await using var server = await ServerWithConfig.StartAsync();

        File.Delete(server.ConfigFile);
        await server.HangUpUntilLoggedAsync("Configuration not reloaded (requested by SIGHUP)", "the failed reload");
        Assert.Contains("cannot read the config file", server.Output);

        await File.WriteAllTextAsync(server.ConfigFile, Config);
        await server.HangUpUntilLoggedAsync("Configuration reloaded (requested by SIGHUP)", "the reload");
    }

    /// <summary>An invalid config was logged twice per SIGHUP: by the reload, and again by the signal handler.</summary>
    [Fact]
    public async Task An_invalid_config_is_logged_once_per_SIGHUP()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        await using var server = await ServerWithConfig.StartAsync();

        await File.WriteAllTextAsync(server.ConfigFile, Config.Replace("receiver: ops", "receiver: no-such-receiver", StringComparison.Ordinal));
        await server.HangUpUntilLoggedAsync("no-such-receiver", "the failed reload");
        await File.WriteAllTextAsync(server.ConfigFile, Config);
        // Once the second reload is in the log, every line the first one wrote is too (the handler logged its copy
        // right after the reload returned).
        await server.HangUpUntilLoggedAsync("Configuration reloaded (requested by SIGHUP)", "both reloads");

        var output = server.Output;
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
        await using var active = await ServerWithConfig.StartAsync();
        using var standby = ExternalProcess.StartBackground("dotnet", [Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "serve",
            "--urls", $"http://127.0.0.1:{ExternalProcess.FreePort()}", "--data-dir", active.DataDirectory, "--config", active.ConfigFile]);
        await Eventually.TrueAsync(() => Task.FromResult(standby.Output.Contains("Standby:", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => "the second server waiting as a standby\n" + standby.Output);

        await HangUpAsync(standby.Id);

        await Eventually.TrueAsync(() => Task.FromResult(standby.Output.Contains("SIGHUP ignored", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), () => "the ignored SIGHUP in the log\n" + standby.Output);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(standby.HasExited, standby.Output);
    }

    private static async Task HangUpAsync(int processId)
    {
        var (code, _, error) = await ExternalProcess.RunAsync("kill", ["-HUP", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(code == 0, error);
    }

    /// <summary>A vigil process on a fresh SQLite database with <see cref="Config"/> in its data directory.</summary>
    private sealed class ServerWithConfig : IAsyncDisposable
    {
        private readonly TestDatabase _database;
        private readonly VigilProcess _vigil;

        private ServerWithConfig(TestDatabase database, VigilProcess vigil, string configFile)
        {
            _database = database;
            _vigil = vigil;
            ConfigFile = configFile;
        }

        public string ConfigFile { get; }

        public string DataDirectory => _database.DataDirectory;

        public string Output => _vigil.Server.Output;

        public static async Task<ServerWithConfig> StartAsync()
        {
            var database = await TestDatabase.CreateAsync(Backend.Sqlite);
            var config = Path.Combine(database.DataDirectory, "vigil.yml");
            await File.WriteAllTextAsync(config, Config);
            var token = await RunningVigil.CreateTokenAsync(database, "sighup-test", Role.Viewer);
            return new ServerWithConfig(database, await VigilProcess.StartAsync(database, token, config), config);
        }

        /// <summary>Sends SIGHUP, then waits until the log shows <paramref name="text"/> (<paramref name="what"/> names it
        /// in a failure).</summary>
        public async Task HangUpUntilLoggedAsync(string text, string what)
        {
            await HangUpAsync(_vigil.Server.Id);
            await Eventually.TrueAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal)),
                TimeSpan.FromSeconds(20), () => what + " in the log\n" + Output);
        }

        public async ValueTask DisposeAsync()
        {
            _vigil.Dispose();
            await _database.DisposeAsync();
        }
    }
}
