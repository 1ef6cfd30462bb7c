namespace Vigil.Cli.Tests;

/// <summary>Help, usage errors and exit codes that need no server.</summary>
public sealed class ParsingTests
{
    private readonly Cli _cli = new();

    [Fact]
    public async Task RootHelpListsCommandsAndExitCodes()
    {
        var result = await _cli.RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "serve", "alerts", "incidents", "silences", "tokens", "Exit codes" })
        {
            Assert.Contains(command, result.Out);
        }
        // Every code README documents: a deploy gate scripting 'freeze check' or a supervisor watching 'serve' needs
        // the ones beyond 0-3 too (they were missing from the help).
        Assert.Contains("4 'freeze check': the service is change-frozen", result.Out, StringComparison.Ordinal);
        Assert.Contains("75 'serve' lost its database lease", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "incidents", "ack", "--help" }, "--comment")]
    [InlineData(new[] { "alerts", "list", "--help" }, "--filter")]
    [InlineData(new[] { "silences", "add", "--help" }, "--ends-at")]
    [InlineData(new[] { "tokens", "bootstrap", "--help" }, "--data-dir")]
    [InlineData(new[] { "serve", "--help" }, "--demo")]
    [InlineData(new[] { "incidents", "list", "--help" }, "VIGIL_TOKEN")]
    public async Task SubcommandHelp(string[] args, string expected)
    {
        var result = await _cli.RunAsync(args);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(expected, result.Out);
    }

    [Fact]
    public async Task HelpNeverPrintsTheTokenFromTheEnvironment()
    {
        _cli.Environment["VIGIL_TOKEN"] = "vgl_secret";
        _cli.Environment["VIGIL_DATABASE"] = "Host=db;Password=hunter2";
        var result = await _cli.RunAsync("tokens", "list", "--help");
        var bootstrap = await _cli.RunAsync("tokens", "bootstrap", "--help");
        Assert.DoesNotContain("vgl_secret", result.Out);
        Assert.DoesNotContain("hunter2", bootstrap.Out);
    }

    [Theory]
    [InlineData("")]
    [InlineData("incidents")]
    [InlineData("bogus")]
    [InlineData("alerts list --no-such-option")]
    [InlineData("alerts list --output xml")]
    [InlineData("incidents show")]
    [InlineData("incidents show abc")]
    [InlineData("incidents ack -3")]
    [InlineData("incidents note 0 text")]
    [InlineData("incidents list --limit 0")]
    [InlineData("incidents list --status open")]
    [InlineData("silences add job=api")]
    [InlineData("tokens create --name x --role root")]
    [InlineData("tokens create --role admin")]
    public async Task ParseErrorsExitWith2OnStderr(string commandLine)
    {
        var result = await _cli.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains("--help", result.Error);
        Assert.Equal("", result.Out);
    }

    [Theory]
    [InlineData("alerts", "list", "--filter", "job=~\"(\"")]
    [InlineData("alerts", "list", "--filter", "=x")]
    [InlineData("silences", "add", "job=api", "--comment", "c", "--duration", "2x")]
    [InlineData("silences", "add", "job=api", "--comment", "c", "--duration", "1h1h")]
    [InlineData("silences", "add", "job=api", "--comment", "c", "--duration", "1m1h")]
    [InlineData("silences", "add", "job=api", "--comment", "c", "--duration", "1h", "--ends-at", "2026-03-02T00:00:00Z")]
    [InlineData("silences", "add", "job=api", "--comment", "c", "--ends-at", "yesterday")]
    [InlineData("silences", "add", "job=api", "--comment", "c", "--ends-at", "2020-01-01T00:00:00Z")]
    [InlineData("silences", "add", "job=~.*", "--comment", "c")]
    [InlineData("silences", "add", "job=api", "--comment", " ")]
    [InlineData("alerts", "list", "--server", "ftp://example.com")]
    public async Task InvalidValuesExitWith2WithoutCallingTheServer(params string[] args)
    {
        await using var server = await FakeServer.StartAsync();
        _cli.Environment["VIGIL_URL"] = server.Url;
        var result = await _cli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task UnreachableServerExitsWith3()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var result = await _cli.RunAsync("incidents", "list", "--server", $"http://127.0.0.1:{port}");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains($"cannot reach Vigil at http://127.0.0.1:{port}/", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task IncidentIdErrorIsReadable()
    {
        var result = await _cli.RunAsync("incidents", "show", "abc");
        Assert.Contains("incident id must be a positive number, got 'abc'", result.Error);
    }

    [Fact]
    public async Task UnexpectedFailureIsOneLineOnStderr()
    {
        _cli.OpenStore = (_, _) => throw new IOException("disk on fire");
        var result = await _cli.RunAsync("tokens", "bootstrap", "--name", "root", "--create");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: disk on fire (set VIGIL_DEBUG=1 for details)" + Environment.NewLine, result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task ServePassesOptionsThrough()
    {
        var result = await _cli.RunAsync("serve", "--urls", "http://0.0.0.0:9090", "--data-dir", "/var/lib/vigil",
            "--database", "Host=db", "--config", "/etc/vigil.yml", "--demo");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new Vigil.Server.ServeOptions("http://0.0.0.0:9090", "/var/lib/vigil", "Host=db", "/etc/vigil.yml", true),
            Assert.Single(_cli.Served));
    }

    [Fact]
    public async Task ServeDefaultsAndEnvironment()
    {
        await _cli.RunAsync("serve");
        _cli.Environment["ASPNETCORE_URLS"] = "http://+:8081";
        _cli.Environment["VIGIL_DATABASE"] = "Host=pg";
        await _cli.RunAsync("serve");
        await _cli.RunAsync("serve", "--urls", "http://127.0.0.1:1234", "--database", "Host=other");

        Assert.Equal(new Vigil.Server.ServeOptions("http://127.0.0.1:8080", "./data", null, null, false), _cli.Served[0]);
        Assert.Equal(new Vigil.Server.ServeOptions("http://+:8081", "./data", "Host=pg", null, false), _cli.Served[1]);
        Assert.Equal(new Vigil.Server.ServeOptions("http://127.0.0.1:1234", "./data", "Host=other", null, false), _cli.Served[2]);
    }
}
