using System.CommandLine;
using Vigil.Cli.Api;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil freeze list|check|exempt|revoke</c>: the error-budget change freeze of services (docs/slo.md). <c>check</c>
/// is the deploy gate: exit 0 when the service's changes may go, <see cref="ExitCodes.Frozen"/> when they must wait.
/// </summary>
public static class FreezeCommands
{
    public static Command Create(CliContext context)
    {
        var freeze = new Command("freeze", "Error-budget change freezes: list them, gate a deploy on one, exempt a service for a while");
        freeze.Subcommands.Add(List(context));
        freeze.Subcommands.Add(Check(context));
        freeze.Subcommands.Add(Exempt(context));
        freeze.Subcommands.Add(Revoke(context));
        return freeze;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "Every service with SLOs: frozen (since when, why), exempt (until when, why) or not");
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.GetFreezesAsync(ct).ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var table = Output.NewTable("SERVICE", "STATE", "WHY");
            foreach (var s in response.Value.Services)
            {
                table.AddPlainRow(s.Service, State(s), Why(s));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Check(CliContext context)
    {
        var service = new Argument<string>("SERVICE") { Description = "The service, as its SLOs name it" };
        var command = new Command("check", $"Exit 0 when SERVICE's changes may go (not frozen, or exempt), {ExitCodes.Frozen} when they must wait: a deploy gate") { service };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.GetFreezeAsync(result.GetValue(service)!, ct).ConfigureAwait(false);
            var s = response.Value;
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
            }
            else
            {
                var why = Why(s);
                await context.Out.WriteLineAsync($"{s.Service}: {State(s)}{(why.Length > 0 ? " — " + why : "")}").ConfigureAwait(false);
            }
            return s.Frozen ? ExitCodes.Frozen : ExitCodes.Success;
        });
        return command;
    }

    private static Command Exempt(CliContext context)
    {
        var service = new Argument<string>("SERVICE") { Description = "The frozen (or soon frozen) service" };
        var reason = new Option<string>("--reason") { Description = "Which change must go through, and why (required)", Required = true };
        var length = new Option<string?>("--for") { Description = "How long, e.g. 30m, 2h, 1d (1m to 7d)" };
        var until = OnCallCommands.TimeOption("--until", "Until when (RFC 3339); instead of --for");
        var command = new Command("exempt", "Let SERVICE's changes through its freeze for a while (admins, managers of the owning team)") { service, reason, length, until };
        command.Validators.Add(r =>
        {
            if (r.GetValue(length) is null == r.GetValue(until) is null)
            {
                r.AddError("give one of --for or --until");
            }
        });
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            var response = await api.ExemptAsync(result.GetValue(service)!, new ExemptionRequest(result.GetValue(reason), result.GetValue(length), result.GetValue(until)), ct)
                .ConfigureAwait(false);
            if (client.IsJson(result))
            {
                Output.Json(context, response.Json);
                return ExitCodes.Success;
            }
            var e = response.Value;
            await context.Out.WriteLineAsync($"Exemption {e.Id}: {e.Service}'s changes may go through its freeze until {Output.Time(e.End)} ({e.Reason}).")
                .ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var service = new Argument<string>("SERVICE") { Description = "The service" };
        var id = new Argument<string>("ID") { Description = "The exemption id, as 'vigil freeze exempt' printed it" };
        var command = new Command("revoke", "End an exemption now: the service's changes wait for its budget again") { service, id };
        var client = ClientOptions.AddTo(command, context);
        command.SetAction(async (result, ct) =>
        {
            using var api = client.CreateClient(result);
            await api.RevokeExemptionAsync(result.GetValue(service)!, result.GetValue(id)!, ct).ConfigureAwait(false);
            if (!client.IsJson(result))
            {
                await context.Out.WriteLineAsync($"Exemption {result.GetValue(id)} revoked.").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string State(ServiceFreezeView s) => s switch
    {
        { Frozen: true } => $"FROZEN since {Output.Time(s.Since)}",
        { Exemption: { } e } when s.Reasons.Count > 0 => $"exempt until {Output.Time(e.End)}",
        _ => "not frozen",
    };

    private static string Why(ServiceFreezeView s)
    {
        var exhausted = s.Reasons.Select(r => $"{r.Slo} ({r.ObjectiveName}) budget exhausted");
        var exempt = s.Exemption is { } e && s.Reasons.Count > 0 ? [$"exempted by {e.CreatedBy}: {e.Reason}"] : Array.Empty<string>();
        return string.Join("; ", exhausted.Concat(exempt));
    }
}
