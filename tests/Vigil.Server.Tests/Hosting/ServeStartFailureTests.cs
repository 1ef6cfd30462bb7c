using System.Net;
using System.Net.Sockets;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Hosting;

/// <summary>
/// A real <c>vigil serve</c> process that cannot start: it says why and exits with the code README documents (2 for a
/// bad command line or config, 1 otherwise), and its log names only the real cause.
/// </summary>
public sealed class ServeStartFailureTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(Backend.Sqlite);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>The background services were cancelled by the failed start and each was logged as crashed ("fail:
    /// BackgroundService failed … TaskCanceledException", then "crit:"), burying the bind error.</summary>
    [Fact]
    public async Task A_taken_listen_address_exits_1_and_logs_no_crashed_background_service()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (code, stdout, stderr) = await ServeAsync("--urls", url);

        var output = stdout + stderr;
        Assert.True(code == 1, $"exit {code}\n{output}");
        Assert.Contains("address already in use", stderr);
        Assert.DoesNotContain("BackgroundService failed", output);
        Assert.DoesNotContain("crit:", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task A_bad_listen_url_exits_2_before_touching_the_database()
    {
        var (code, stdout, stderr) = await ServeAsync("--urls", "http://127.0.0.1:99999");

        Assert.True(code == 2, $"exit {code}\n{stdout}{stderr}");
        Assert.StartsWith("error: --urls: 'http://127.0.0.1:99999' has a port outside 0-65535", stderr);
        Assert.False(File.Exists(Path.Combine(_database.DataDirectory, "vigil.db")), "the database was created");
    }

    [Fact]
    public async Task An_invalid_config_exits_2_with_its_errors()
    {
        var config = Path.Combine(_database.DataDirectory, "vigil.yml");
        await File.WriteAllTextAsync(config, "route:\n  receiver: nobody\nreceivers: []\n");

        var (code, stdout, stderr) = await ServeAsync("--urls", "http://127.0.0.1:0", "--config", config);

        Assert.True(code == 2, $"exit {code}\n{stdout}{stderr}");
        Assert.Contains($"{config}:2:", stderr);
    }

    private Task<(int ExitCode, string StdOut, string StdErr)> ServeAsync(params string[] args) =>
        ExternalProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "vigil.dll"), "serve", "--data-dir", _database.DataDirectory, .. args]);
}
