namespace Vigil.Core.Store;

/// <summary>
/// The answer given to a request that carried an <c>Idempotency-Key</c> header, kept so a client retrying it (its
/// connection dropped after the commit) gets the same answer instead of counting its events twice. Committed with the
/// request's own changes, in one transaction.
/// </summary>
/// <param name="Scope">The endpoint (e.g. <c>sli-events</c>) and the token that sent it: keys of different clients never meet.</param>
/// <param name="Key">The client's key.</param>
/// <param name="RequestHash">SHA-256 of the request body (hex): the same key with another body is a client error.</param>
/// <param name="Status">The HTTP status given.</param>
/// <param name="Body">The JSON body given.</param>
/// <param name="CreatedAt">When it was answered; answers are kept for a day.</param>
public sealed record IdempotentAnswer(string Scope, string Key, string RequestHash, int Status, string Body, DateTimeOffset CreatedAt);
