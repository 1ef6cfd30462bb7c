using System.CommandLine;
using Vigil.Cli.Api;

namespace Vigil.Cli;

/// <summary>The options every API command shares: --server, --token, --output.</summary>
public sealed class ClientOptions
{
    public const string DefaultServer = "http://127.0.0.1:8080";

    private readonly CliContext _context;

    private ClientOptions(CliContext context)
    {
        _context = context;
        Server = new Option<string>("--server", "-s")
        {
            Description = "Base URL of the Vigil server (env VIGIL_URL)",
            HelpName = "URL",
            DefaultValueFactory = _ => context.GetEnvironment("VIGIL_URL") ?? DefaultServer,
        };
        Token = new Option<string?>("--token")
        {
            Description = "API token sent as 'Authorization: Bearer' (env VIGIL_TOKEN)",
            HelpName = "TOKEN",
        };
        Output = new Option<string>("--output", "-o")
        {
            Description = "Output format: a table for people or the server's JSON for scripts",
            HelpName = "table|json",
            DefaultValueFactory = _ => "table",
        };
        Output.AcceptOnlyFromAmong("table", "json");
    }

    public Option<string> Server { get; }

    public Option<string?> Token { get; }

    public Option<string> Output { get; }

    /// <summary>Creates the options and adds them to <paramref name="command"/>.</summary>
    public static ClientOptions AddTo(Command command, CliContext context)
    {
        var options = new ClientOptions(context);
        command.Options.Add(options.Server);
        command.Options.Add(options.Token);
        command.Options.Add(options.Output);
        return options;
    }

    public bool IsJson(ParseResult result) => result.GetValue(Output) == "json";

    public VigilClient CreateClient(ParseResult result)
    {
        var server = result.GetValue(Server) ?? DefaultServer;
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--server must be an http:// or https:// URL, got \"{server}\"");
        }
        // The environment is read here rather than as a default value so that --help never prints the secret.
        var token = result.GetValue(Token) ?? _context.GetEnvironment("VIGIL_TOKEN");
        return new VigilClient(uri, token, _context.HttpHandler);
    }
}
