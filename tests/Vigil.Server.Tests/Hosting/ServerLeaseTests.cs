using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Vigil.Core.Config;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// One active server per database: a second one waits as a standby (not listening, not loading state) until the first
/// stops, then takes over with everything the first committed — and numbers its incidents after the first's instead
/// of reusing their ids (two active servers both opened incident #1, and one overwrote the other).
/// </summary>
public abstract class ServerLeaseTests(Backend backend) : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
        receivers:
          - name: ops
        """;

    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(backend);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_second_server_waits_until_the_first_stops_then_takes_over()
    {
        var first = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, takeLease: true);
        await using (first)
        {
            await OpenIncidentAsync(first, "First");
        }
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var active = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, takeLease: true, ct: cancel.Token);
        await using (active)
        {
            var standby = RunningVigil.StartAsync(_database, ownsDatabase: false, Config, takeLease: true, ct: cancel.Token);
            // Long enough for a standby to have retried the lease a few times (every 2 s).
            await Task.Delay(TimeSpan.FromSeconds(5));
            Assert.False(standby.IsCompleted, "the standby started while the active server held the lease");
            await OpenIncidentAsync(active, "Second");

            await active.StopAsync();
            await using var tookOver = await standby;
            var third = await OpenIncidentAsync(tookOver, "Third");

            Assert.Equal(3, third);
            var titles = (await tookOver.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Select(i => i!["title"]!.GetValue<string>()).Order();
            Assert.Equal(["First", "Second", "Third"], titles);
        }
    }

    [Fact]
    public async Task A_waiting_standby_can_be_cancelled()
    {
        await using var active = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, takeLease: true);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RunningVigil.StartAsync(_database, ownsDatabase: false, Config, takeLease: true, ct: cancel.Token));
    }

    /// <summary>
    /// The upgrade is "start the new one, stop the old one": a new server with a broken config must fail while the old
    /// one still runs. It used to wait as a standby and report the config only on taking over, leaving nothing running.
    /// </summary>
    [Fact]
    public async Task A_standby_with_an_invalid_config_fails_at_once_while_the_active_server_keeps_running()
    {
        await using var active = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, takeLease: true);
        var broken = Path.Combine(_database.DataDirectory, "broken.yml");
        await File.WriteAllTextAsync(broken, "route:\n  receiver: nobody\nreceivers: []\n");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<ConfigException>(() => VigilServer.BuildAsync(Standby(configFile: broken), ct: cancel.Token));

        Assert.Contains("broken.yml:2:", error.Message);
        Assert.Equal("OK", await active.Client.GetStringAsync("/-/ready"));
    }

    /// <summary>As with the config: an address Kestrel would refuse fails the start before the standby waits.</summary>
    [Theory]
    [InlineData("http://127.0.0.1:99999")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("ftp://127.0.0.1:8080")]
    public async Task A_standby_with_a_bad_listen_url_fails_at_once(string urls)
    {
        await using var active = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, takeLease: true);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<ServeOptionsException>(() => VigilServer.BuildAsync(Standby(urls: urls), ct: cancel.Token));

        Assert.Contains(urls, error.Message);
        Assert.Equal("OK", await active.Client.GetStringAsync("/-/ready"));
    }

    private ServeOptions Standby(string urls = "http://127.0.0.1:0", string? configFile = null) =>
        new(urls, _database.DataDirectory, _database.ConnectionString, configFile);

    private static async Task<long> OpenIncidentAsync(RunningVigil vigil, string alertName)
    {
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[] { new { labels = new Dictionary<string, string> { ["alertname"] = alertName } } });
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            id = incidents.FirstOrDefault(i => i!["title"]!.GetValue<string>() == alertName)?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), $"an incident for {alertName}");
        return id;
    }

    protected TestDatabase Database => _database;
}

public sealed class ServerLeaseOnSqlite() : ServerLeaseTests(Backend.Sqlite);

public sealed class ServerLeaseOnPostgres() : ServerLeaseTests(Backend.Postgres)
{
    /// <summary>A server whose lease session is gone (a network cut, an administrator's kill) stops, exit code 75.</summary>
    [Fact]
    public async Task A_server_that_loses_its_lease_stops()
    {
        await using var active = await RunningVigil.StartAsync(Database, ownsDatabase: false, takeLease: true);
        var stopping = active.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var stopped = new TaskCompletionSource();
        using var registration = stopping.Register(() => stopped.TrySetResult());

        await using (var admin = new NpgsqlConnection(TestDatabase.AdminConnectionString()))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND application_name LIKE 'vigil serve on %'", admin);
            kill.Parameters.AddWithValue("db", new NpgsqlConnectionStringBuilder(Database.ConnectionString).Database!);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }

        // The lease pings every 5 s; a ping on a terminated session fails at once.
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Vigil.Server.Hosting.ServerLeaseWatch.LostExitCode, Environment.ExitCode);
        Environment.ExitCode = 0;
    }
}
