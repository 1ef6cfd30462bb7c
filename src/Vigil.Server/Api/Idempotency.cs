using System.Security.Cryptography;
using Vigil.Core.Store;
using Vigil.Server.Auth;

namespace Vigil.Server.Api;

/// <summary>
/// A counting push (SLI events) sent with an <c>Idempotency-Key</c> header (the IETF httpapi draft's name, as Stripe
/// and PagerDuty use it): its answer is stored with its changes, in one commit, and a retry with the same key and body
/// gets that answer again (<c>Idempotent-Replayed: true</c>) instead of being counted twice — the client that timed out
/// after the commit cannot tell whether it counted. Kept for <see cref="Retention"/>.
/// </summary>
public sealed record Idempotency(string Scope, string Key, string RequestHash)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>The request's key, scoped to the endpoint and the caller (keys of two clients never meet); null
    /// without the header; a 400 for an unusable key.</summary>
    public static (Idempotency? Request, IResult? Error) Read(HttpContext context, string endpoint, byte[] body)
    {
        var values = context.Request.Headers[Header];
        if (values.Count == 0)
        {
            return (null, null);
        }
        var key = values.Count == 1 ? values[0] ?? "" : "";
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            return (null, Problems.BadRequest($"{Header} must be one value of 1 to {MaxKeyLength} visible ASCII characters (e.g. a UUID)."));
        }
        var caller = context.GetActor() is { } actor ? actor.TokenId ?? actor.Name : "anonymous";
        return (new Idempotency($"{endpoint} {caller}", key, Convert.ToHexStringLower(SHA256.HashData(body))), null);
    }

    /// <summary>The answer to remember, committed with the request's changes.</summary>
    public IdempotentAnswer Answer(int status, string body, DateTimeOffset now) => new(Scope, Key, RequestHash, status, body, now);

    /// <summary>A stored answer given again, or 422 when the key was used for another request.</summary>
    public IResult Replay(IdempotentAnswer stored, HttpContext context)
    {
        if (stored.RequestHash != RequestHash)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
                detail: $"{Header} \"{Key}\" was already used for a request with another body; use a new key for each request.");
        }
        context.Response.Headers["Idempotent-Replayed"] = "true";
        return Results.Text(stored.Body, "application/json; charset=utf-8", statusCode: stored.Status);
    }
}
