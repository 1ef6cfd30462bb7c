using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Vigil.Server.Api;

/// <summary>Reads JSON request bodies with size limits and turns every way a body can be wrong into a clear 4xx.</summary>
public static class RequestBody
{
    public sealed record Outcome<T>(T? Value, IResult? Error);

    public static async Task<Outcome<T>> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return new(default, TooLarge(maxBytes));
        }
        if (request.ContentLength == 0)
        {
            return new(default, Problems.BadRequest("The request body is empty; expected JSON."));
        }
        try
        {
            using var limited = new LimitedStream(request.Body, maxBytes);
            var value = await JsonSerializer.DeserializeAsync(limited, type, context.RequestAborted);
            return value is null
                ? new(default, Problems.BadRequest("The request body is JSON null; expected " + Describe<T>() + "."))
                : new(value, null);
        }
        catch (BodyTooLargeException)
        {
            return new(default, TooLarge(maxBytes));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(default, TooLarge(maxBytes));
        }
        catch (JsonException ex)
        {
            var empty = ex.BytePositionInLine == 0 && ex.LineNumber == 0 && ex.Message.Contains("input does not contain any JSON tokens", StringComparison.Ordinal);
            return new(default, Problems.BadRequest(empty
                ? "The request body is empty; expected JSON."
                : JsonMismatch.Describe(ex)));
        }
    }

    /// <summary>
    /// Reads a whole non-JSON body (log lines) into memory, within the limit. Empty bodies are the caller's to judge:
    /// what "empty" means depends on the format.
    /// </summary>
    public static async Task<Outcome<byte[]>> ReadBytesAsync(HttpContext context, long maxBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBytes)
        {
            return new(default, TooLarge(maxBytes));
        }
        try
        {
            using var limited = new LimitedStream(request.Body, maxBytes);
            using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 64 * 1024);
            await limited.CopyToAsync(buffer, context.RequestAborted);
            return new(buffer.ToArray(), null);
        }
        catch (BodyTooLargeException)
        {
            return new(default, TooLarge(maxBytes));
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(default, TooLarge(maxBytes));
        }
    }

    /// <summary>The request's media type without parameters, lower-case (<c>application/json</c>).</summary>
    public static string MediaType(HttpRequest request) => (request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>
    /// The body of a push (log lines, samples, events): uncompressed, within the limit and not empty, or the 4xx that
    /// says why not. <paramref name="expected"/> names what an empty body should have held.
    /// </summary>
    public static async Task<Outcome<byte[]>> ReadPushAsync(HttpContext context, long maxBytes, string expected)
    {
        var encoding = context.Request.Headers.ContentEncoding.ToString();
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, Problems.UnsupportedMediaType($"Content-Encoding \"{encoding}\" is not supported; send the body uncompressed."));
        }
        var body = await ReadBytesAsync(context, maxBytes);
        if (body.Error is null && body.Value!.Length == 0)
        {
            return new(null, Problems.BadRequest($"The request body is empty; expected {expected}."));
        }
        return body;
    }

    /// <summary>A JSON push: 415 showing <paramref name="example"/> for any other content type, then as <see cref="ReadPushAsync"/>.</summary>
    public static async Task<Outcome<byte[]>> ReadJsonPushAsync(HttpContext context, long maxBytes, string example, string expected)
    {
        if (MediaType(context.Request) != "application/json")
        {
            return new(null, Problems.UnsupportedMediaType(
                $"Content-Type \"{context.Request.ContentType}\" is not supported; send application/json ({example})."));
        }
        return await ReadPushAsync(context, maxBytes, expected);
    }

    private static IResult TooLarge(long maxBytes) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Payload too large",
        detail: $"The request body is larger than the limit of {maxBytes / 1024} KiB; send smaller batches.");

    private static string Describe<T>() => typeof(T).IsGenericType ? "an array" : "an object";

    private sealed class BodyTooLargeException : IOException;

    /// <summary>Enforces the limit even for chunked bodies that carry no Content-Length.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            _read += n;
            return _read > limit ? throw new BodyTooLargeException() : n;
        }
    }
}

public static class Problems
{
    public static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    public static IResult Invalid(IReadOnlyList<string> errors) => Results.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "Invalid request",
        detail: errors.Count == 1 ? errors[0] : $"{errors.Count} problems: " + string.Join("; ", errors.Take(20)),
        extensions: new Dictionary<string, object?> { ["errors"] = errors });

    public static IResult NotFound(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);

    public static IResult UnsupportedMediaType(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: detail);

    public static IResult Conflict(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>
    /// 503 for a push that could not be committed: nothing was acknowledged, so the sender retries. The cause is logged
    /// under <paramref name="category"/> (the endpoints' class), not sent.
    /// </summary>
    public static IResult Unavailable(HttpContext context, Type category, Exception cause, string failed, string title, string detail)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(category).LogError(cause, "{Failed}", failed);
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);
    }
}
