using System.CommandLine;
using Vigil.Cli.Api;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil integrations list|create|revoke</c>: routing keys for PagerDuty Events API v2 senders (admin role).</summary>
public static class IntegrationsCommands
{
    public static Command Create(CliContext context)
    {
        var integrations = new Command("integrations", "Issue and revoke PagerDuty-compatible routing keys, one service each (admin role)");
        integrations.Subcommands.Add(List(context));
        integrations.Subcommands.Add(CreateKey(context));
        integrations.Subcommands.Add(Revoke(context));
        return integrations;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List integrations (keys are never shown again)");
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.GetIntegrationsAsync(ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            if (response.Value.Count == 0)
            {
                await context.Out.WriteLineAsync("No integrations.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("ID", "NAME", "SERVICE", "SOURCE", "CREATED", "CREATED BY", "REVOKED");
            foreach (var i in response.Value)
            {
                table.AddPlainRow(i.Id ?? "", i.Name, i.Service, i.Source, Output.Time(i.CreatedAt), i.CreatedBy, Output.Time(i.RevokedAt));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CreateKey(CliContext context)
    {
        var name = new Option<string>("--name") { Description = "Who sends with the key, e.g. alertmanager-eu", HelpName = "NAME", Required = true };
        var service = new Option<string>("--service") { Description = "The service the events become alerts of", HelpName = "SERVICE", Required = true };
        var command = new Command("create", "Issue a routing key for a service and print it (shown only this once)") { name, service };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.CreateIntegrationAsync(result.GetValue(name)!, result.GetValue(service)!, ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var i = response.Value;
            // The key alone on stdout, so `KEY=$(vigil integrations create ...)` works; the explanation goes to stderr.
            await context.Out.WriteLineAsync(i.RoutingKey).ConfigureAwait(false);
            await context.Error.WriteLineAsync(
                $"Integration {i.Id} ({i.Name}) feeds service {i.Service}. Use the key above as routing_key with POST /v2/enqueue; it is not shown again.")
                .ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The integration id, as shown by 'vigil integrations list'" };
        var command = new Command("revoke", "Revoke an issued routing key: events with it are refused from now on") { id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            var integrationId = result.GetValue(id)!;
            using var api = client.CreateClient(result);
            await api.RevokeIntegrationAsync(integrationId, ct).ConfigureAwait(false);
            if (!client.IsJson(result))
            {
                await context.Out.WriteLineAsync($"Integration {integrationId} revoked.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
