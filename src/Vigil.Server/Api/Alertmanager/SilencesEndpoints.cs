using Vigil.Core.Matching;
using Vigil.Core.Security;
using Vigil.Core.Silences;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Alertmanager;

/// <summary>GET/POST /api/v2/silences, GET/DELETE /api/v2/silence/{id} with Alertmanager's semantics.</summary>
public static class SilencesEndpoints
{
    public static void MapAlertmanagerSilences(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/silences", ListSilences).RequireRole(Role.Viewer);
        app.MapPost("/api/v2/silences", PostSilence).RequireRole(Role.Responder);
        app.MapGet("/api/v2/silence/{id}", GetSilence).RequireRole(Role.Viewer);
        app.MapDelete("/api/v2/silence/{id}", ExpireSilence).RequireRole(Role.Responder);
    }

    private static IResult ListSilences(HttpContext context, AlertPipeline pipeline, TimeProvider time)
    {
        if (!AlertsEndpoints.TryParseFilters(context, out var filters, out var error))
        {
            return error!;
        }
        var now = time.GetUtcNow();
        var result = new List<GettableSilence>();
        foreach (var silence in pipeline.Silences.All)
        {
            if (filters.All(f => silence.Matchers.Any(m => m.Name == f.Name && f.Matches(m.Value))))
            {
                result.Add(ToDto(silence, now));
            }
        }
        // Alertmanager's order: active, then pending, then expired; each by end/start time.
        result.Sort(static (a, b) =>
        {
            var byState = Rank(a.Status.State).CompareTo(Rank(b.Status.State));
            return byState != 0 ? byState : a.Status.State == "expired" ? b.EndsAt.CompareTo(a.EndsAt) : a.EndsAt.CompareTo(b.EndsAt);
        });
        return Results.Json(result, AlertmanagerJson.Default.ListGettableSilence);
    }

    private static int Rank(string state) => state switch { "active" => 0, "pending" => 1, _ => 2 };

    private static IResult GetSilence(string id, AlertPipeline pipeline, TimeProvider time)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            return Problems.BadRequest($"\"{id}\" is not a silence id (expected a UUID).");
        }
        var silence = pipeline.Silences.Get(guid);
        return silence is null
            ? Problems.NotFound($"No silence with id {id}.")
            : Results.Json(ToDto(silence, time.GetUtcNow()), AlertmanagerJson.Default.GettableSilence);
    }

    private static async Task<IResult> PostSilence(HttpContext context, AlertPipeline pipeline, ServerSettings settings, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonAsync(context, AlertmanagerJson.Default.PostableSilence, settings.MaxBodyBytes);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var posted = body.Value!;
        var now = time.GetUtcNow();
        var errors = new List<string>();
        var checkedMatchers = SilenceValidation.ValidateMatchers(
            posted.Matchers?.Select(m => m is null ? null : new MatcherInput(m.Name, m.Value, m.IsRegex ?? false, m.IsEqual ?? true)).ToList() ?? []);
        var matchers = checkedMatchers.Matchers;
        errors.AddRange(checkedMatchers.Errors);
        if (posted.StartsAt is null)
        {
            errors.Add("startsAt is required");
        }
        if (posted.EndsAt is null)
        {
            errors.Add("endsAt is required");
        }
        if (posted.StartsAt is { } s && posted.EndsAt is { } e)
        {
            errors.AddRange(SilenceValidation.ValidateTimes(s, e, now));
        }
        if (string.IsNullOrWhiteSpace(posted.CreatedBy))
        {
            errors.Add("createdBy is required");
        }
        if (string.IsNullOrWhiteSpace(posted.Comment))
        {
            errors.Add("comment is required");
        }
        if (posted.Comment is { Length: > 4096 })
        {
            errors.Add("comment is longer than 4096 characters");
        }
        // Held from reading the silence this replaces until memory shows the commit (see BeginSilenceWriteAsync).
        using var write = await pipeline.BeginSilenceWriteAsync(context.RequestAborted);
        Silence? existing = null;
        if (!string.IsNullOrEmpty(posted.Id))
        {
            if (!Guid.TryParse(posted.Id, out var existingId))
            {
                errors.Add($"id \"{posted.Id}\" is not a UUID");
            }
            else if ((existing = write.Get(existingId)) is null)
            {
                return Problems.NotFound($"No silence with id {posted.Id} to update.");
            }
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var startsAt = posted.StartsAt!.Value < now ? now : posted.StartsAt.Value;
        Silence silence;
        if (existing is not null && existing.StateAt(now) != SilenceState.Expired
            && (existing.StateAt(now) == SilenceState.Pending || SameMatchers(existing, matchers)))
        {
            // Alertmanager updates in place when the change cannot alter what was muted in the past.
            var keepStart = existing.StateAt(now) == SilenceState.Active ? existing.StartsAt : startsAt;
            silence = existing with { Matchers = matchers, StartsAt = keepStart, EndsAt = posted.EndsAt!.Value, CreatedBy = posted.CreatedBy!, Comment = posted.Comment!, UpdatedAt = now };
            await write.SaveAsync(silence, context.ActorName(), "silence.update", context.RequestAborted);
        }
        else
        {
            silence = new Silence(Guid.NewGuid(), matchers, startsAt, posted.EndsAt!.Value, posted.CreatedBy!, posted.Comment!, now);
            List<(Silence, string)> writes = [(silence, "silence.create")];
            if (existing is not null && existing.StateAt(now) == SilenceState.Active)
            {
                // Changing the matchers of an active silence: expire it and create a new one, as Alertmanager does — in
                // one commit, so a failure leaves the old silence in force.
                writes.Insert(0, (existing with { EndsAt = now, UpdatedAt = now }, "silence.expire"));
            }
            await write.SaveAsync(writes, context.ActorName(), context.RequestAborted);
        }
        return Results.Json(new SilenceCreated(silence.Id.ToString()), AlertmanagerJson.Default.SilenceCreated);
    }

    private static bool SameMatchers(Silence silence, IReadOnlyList<Matcher> matchers) =>
        silence.Matchers.Count == matchers.Count && silence.Matchers.All(matchers.Contains);

    private static async Task<IResult> ExpireSilence(string id, HttpContext context, AlertPipeline pipeline)
    {
        if (!Guid.TryParse(id, out var guid))
        {
            return Problems.BadRequest($"\"{id}\" is not a silence id (expected a UUID).");
        }
        return await pipeline.ExpireSilenceAsync(guid, context.ActorName(), context.RequestAborted) is null
            ? Problems.NotFound($"No silence with id {id}.")
            : Results.Ok();
    }

    internal static GettableSilence ToDto(Silence silence, DateTimeOffset now) => new(
        silence.Id.ToString(),
        new SilenceStatusDto(silence.StateAt(now).ToString().ToLowerInvariant()),
        silence.UpdatedAt,
        silence.Matchers.Select(m => new MatcherOut(m.Name, m.Value, m.IsRegex, m.IsEqual)).ToList(),
        silence.StartsAt,
        silence.EndsAt,
        silence.CreatedBy,
        silence.Comment);
}
