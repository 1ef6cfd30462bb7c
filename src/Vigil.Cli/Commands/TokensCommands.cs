using System.CommandLine;
using System.Text.Json;
using Vigil.Cli.Api;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Storage;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil tokens list|create|revoke|bootstrap</c>.</summary>
public static class TokensCommands
{
    private static readonly string[] Roles = ["viewer", "responder", "admin"];

    public static Command Create(CliContext context)
    {
        var tokens = new Command("tokens", "Manage API tokens (admin role required, except for 'bootstrap')");
        tokens.Subcommands.Add(List(context));
        tokens.Subcommands.Add(CreateToken(context));
        tokens.Subcommands.Add(Revoke(context));
        tokens.Subcommands.Add(Bootstrap(context));
        return tokens;
    }

    private static Option<string> NameOption() =>
        new("--name") { Description = "A name saying who or what uses the token, e.g. prometheus or alice", HelpName = "NAME", Required = true };

    private static Option<string> RoleOption(string? fixedDefault)
    {
        var role = new Option<string>("--role")
        {
            Description = "viewer (read), responder (read, ingest, acknowledge, silence) or admin (everything)",
            HelpName = "viewer|responder|admin",
            Required = fixedDefault is null,
        };
        if (fixedDefault is not null)
        {
            role.DefaultValueFactory = _ => fixedDefault;
        }
        role.AcceptOnlyFromAmong(Roles);
        return role;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List API tokens (secrets are never shown again)");
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.GetTokensAsync(ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            if (response.Value.Count == 0)
            {
                await context.Out.WriteLineAsync("No tokens.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("ID", "NAME", "ROLE", "CREATED", "CREATED BY", "REVOKED");
            foreach (var t in response.Value)
            {
                table.AddPlainRow(t.Id, t.Name, t.Role, Output.Time(t.CreatedAt), t.CreatedBy, Output.Time(t.RevokedAt));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateToken(CliContext context)
    {
        var name = NameOption();
        var role = RoleOption(null);
        var user = new Option<string?>("--user") { Description = "Bind the token to this on-call user (team-scoped permissions: managers, shift owners)" };
        var command = new Command("create", "Create an API token and print its secret (shown only this once)") { name, role, user };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var tokenName = RequireName(result.GetValue(name));
            using var api = client.CreateClient(result);
            var response = await api.CreateTokenAsync(new CreateTokenRequest(tokenName, result.GetValue(role)!, result.GetValue(user)), ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var t = response.Value;
            await PrintSecret(context, t.Id, t.Name ?? tokenName, t.Role ?? "", t.Token).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The token id, as shown by 'vigil tokens list'" };
        var command = new Command("revoke", "Revoke an API token: it stops working immediately") { id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var tokenId = result.GetValue(id)!;
            using var api = client.CreateClient(result);
            await api.RevokeTokenAsync(tokenId, ct).ConfigureAwait(false);
            if (!client.IsJson(result))
            {
                await context.Out.WriteLineAsync($"Token {tokenId} revoked.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Bootstrap(CliContext context)
    {
        var name = NameOption();
        var role = RoleOption("admin");
        var dataDir = new Option<string>("--data-dir")
        {
            Description = "The server's data directory (where the SQLite database vigil.db lives)",
            HelpName = "DIR",
            DefaultValueFactory = _ => "./data",
        };
        var database = new Option<string?>("--database")
        {
            Description = "PostgreSQL connection string instead of SQLite (env VIGIL_DATABASE)",
            HelpName = "CONNSTR",
        };
        var create = new Option<bool>("--create")
        {
            Description = "Create the SQLite database when --data-dir has none yet (before the first 'vigil serve'); " +
                "without it a missing database is an error, since a mistyped directory would get a token no server knows",
        };
        var command = new Command("bootstrap",
            "Create a token directly in the database, without the API: for the very first admin token. " +
            "Run it on the server machine with the same --data-dir/--database as 'vigil serve'.")
        {
            name, role, dataDir, database, create,
        };
        command.SetAction(async (result, ct) =>
        {
            var tokenName = RequireName(result.GetValue(name));
            var tokenRole = Enum.Parse<Role>(result.GetValue(role)!, ignoreCase: true);
            var db = result.GetValue(database) ?? context.GetEnvironment("VIGIL_DATABASE");
            var user = context.GetEnvironment("USER") ?? context.GetEnvironment("USERNAME") ?? Environment.UserName;
            var actor = "bootstrap:" + user;
            var now = context.Time.GetUtcNow();
            var (token, secret) = TokenSecrets.Issue(tokenName, tokenRole, actor, now);

            db = string.IsNullOrWhiteSpace(db) ? null : db;
            var directory = result.GetValue(dataDir)!;
            if (db is null && StoreFactory.DataDirectoryProblem(directory) is { } problem)
            {
                throw new UsageException(problem);
            }
            if (db is null && !result.GetValue(create) && !File.Exists(StoreFactory.SqlitePath(directory)))
            {
                throw new UsageException($"there is no Vigil database at {StoreFactory.SqlitePath(directory)}: give the --data-dir " +
                    "(or --database) that 'vigil serve' uses, or --create to create a new database there");
            }
            var store = OpenStore(context, db, directory);
            await using (store.ConfigureAwait(false))
            {
                await MigrateAsync(store, db, directory, ct).ConfigureAwait(false);
                var changes = new ChangeSet();
                changes.Tokens.Add(token);
                changes.Audit.Add(new AuditEntry(now, actor, "token.create", "token/" + token.Id,
                    JsonSerializer.Serialize(new { name = tokenName, role = Roles[(int)tokenRole], via = "vigil tokens bootstrap" })));
                await store.ApplyAsync([changes], ct).ConfigureAwait(false);
            }
            // Where it went, so a token stored in the wrong place is noticed now, not when the server refuses it.
            await context.Error.WriteLineAsync("Database: " + StoreFactory.Describe(db, directory)).ConfigureAwait(false);
            await PrintSecret(context, token.Id, tokenName, Roles[(int)tokenRole], secret).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Opens the store; a location that cannot hold one (see <see cref="StoreFactory.OpenProblem"/>) is a usage
    /// error (exit 2) naming it, not .NET's or SQLite's bare message with exit 1.</summary>
    private static IVigilStore OpenStore(CliContext context, string? db, string directory)
    {
        try
        {
            return context.OpenStore(db, directory);
        }
        catch (Exception ex) when (StoreFactory.OpenProblem(ex, db, directory) is { } problem)
        {
            throw new CliException(ExitCodes.Usage, problem, ex);
        }
    }

    /// <summary>Migrates the store: SQLite opens the file only now for some problems (a file that is not a database).</summary>
    private static async Task MigrateAsync(IVigilStore store, string? db, string directory, CancellationToken ct)
    {
        try
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFactory.OpenProblem(ex, db, directory) is { } problem)
        {
            throw new CliException(ExitCodes.Usage, problem, ex);
        }
    }

    private static string RequireName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? throw new UsageException("--name must not be empty") : name.Trim();

    private static async Task PrintSecret(CliContext context, string id, string name, string role, string secret)
    {
        await context.Error.WriteLineAsync($"Created token {id} ({name}, {role}). Store the secret now: it is not shown again.\n" +
            "Use it with --token or the VIGIL_TOKEN environment variable, or as 'Authorization: Bearer <secret>'.").ConfigureAwait(false);
        await context.Out.WriteLineAsync(secret).ConfigureAwait(false);
    }
}
