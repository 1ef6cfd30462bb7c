using Vigil.Core.Config;
using Vigil.Server;

namespace Vigil.Cli.Tests;

/// <summary>How <c>vigil serve</c> ends when the server cannot start: a message and an exit code, never a crash.</summary>
public sealed class ServeCommandTests
{
    private readonly Cli _cli = new();

    /// <summary>The host cancels its own start when a background service fails during it; that cancellation escaped
    /// as an unhandled exception (stack trace, SIGABRT, exit 134).</summary>
    [Fact]
    public async Task A_start_the_host_cancels_itself_is_a_failed_start()
    {
        _cli.Serve = (_, _) => throw new TaskCanceledException();

        var result = await _cli.RunAsync("serve");

        Assert.Equal(ExitCodes.ServeFailed, result.ExitCode);
        Assert.StartsWith("error: the server stopped while starting", result.Error);
    }

    [Fact]
    public async Task Cancelled_by_the_caller_is_still_a_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        _cli.Serve = async (_, ct) =>
        {
            await cancel.CancelAsync();
            ct.ThrowIfCancellationRequested();
            return 0;
        };

        var result = await _cli.RunAsync(cancel.Token, "serve");

        Assert.Equal(130, result.ExitCode);
    }

    /// <summary>An invalid config is the operator's to fix, like a bad option: exit 2 with every error, not 1 ("the
    /// server refused").</summary>
    [Fact]
    public async Task An_invalid_config_exits_2_with_every_error()
    {
        _cli.Serve = (_, _) => throw new ConfigException([
            new ConfigError("/etc/vigil/vigil.yml", 3, 13, "route refers to receiver \"nobody\""),
            new ConfigError("/etc/vigil/vigil.yml", 9, 5, "unknown key \"recievers\""),
        ]);

        var result = await _cli.RunAsync("serve", "--config", "/etc/vigil/vigil.yml");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("/etc/vigil/vigil.yml:3:13: route refers to receiver \"nobody\"", result.Error);
        Assert.Contains("/etc/vigil/vigil.yml:9:5: unknown key", result.Error);
    }

    [Fact]
    public async Task A_listen_url_the_server_refuses_exits_2()
    {
        _cli.Serve = (_, _) => throw new ServeOptionsException("--urls: 'foo' is not a listen URL");

        var result = await _cli.RunAsync("serve", "--urls", "foo");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal("error: --urls: 'foo' is not a listen URL" + Environment.NewLine, result.Error);
    }

    [Fact]
    public async Task Any_other_start_failure_exits_1()
    {
        _cli.Serve = (_, _) => throw new IOException("Failed to bind to address http://127.0.0.1:8080: address already in use.");

        var result = await _cli.RunAsync("serve");

        Assert.Equal(ExitCodes.ServeFailed, result.ExitCode);
        Assert.Contains("address already in use", result.Error);
    }

    [Fact]
    public async Task A_file_as_the_data_directory_is_a_usage_error_before_the_server_starts()
    {
        // It was .NET's "The file '...' already exists." with exit 1, from the server's start.
        var file = Path.GetTempFileName();
        try
        {
            var result = await _cli.RunAsync("serve", "--data-dir", file);

            Assert.Equal(ExitCodes.Usage, result.ExitCode);
            Assert.Contains($"--data-dir {file} is a file, not a directory", result.Error, StringComparison.Ordinal);
            Assert.Empty(_cli.Served);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
