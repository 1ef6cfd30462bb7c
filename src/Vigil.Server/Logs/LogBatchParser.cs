using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Vigil.Server.Api;

namespace Vigil.Server.Logs;

/// <summary>
/// Turns a request body into log lines: newline-delimited text, JSON lines, or Loki's push JSON. A malformed request
/// (invalid UTF-8, bad JSON, missing source) is rejected whole with the line at fault, so a sender never has half a
/// batch stored; lines that are merely unusable (empty, longer than <see cref="MaxLineBytes"/>, binary) are skipped
/// and counted with their reason.
/// </summary>
public static class LogBatchParser
{
    /// <summary>Longest line mined. Longer lines are skipped: a template of a 1 MB line helps nobody and costs a lot.</summary>
    public const int MaxLineBytes = 64 * 1024;

    private const int MaxNameLength = 128;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    /// <summary>Plain text: one line per message, the stream named by the query string.</summary>
    public static (LogBatch? Batch, string? Error) ParseText(ReadOnlySpan<byte> body, string? source, string? service)
    {
        if (CheckName(source, "source", "the query string (?source=...)") is { } sourceError)
        {
            return (null, sourceError);
        }
        if (service is not null && CheckName(service, "service", "the query string") is { } serviceError)
        {
            return (null, serviceError);
        }
        var batch = new LogBatch();
        var lineNumber = 0;
        foreach (var range in body.Split((byte)'\n'))
        {
            lineNumber++;
            var line = body[range];
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }
            if (range.End.Value == body.Length && line.IsEmpty)
            {
                break; // the final newline ends the last line; it does not start an empty one
            }
            if (Text(line, lineNumber, batch, out var error) is { } message)
            {
                batch.Lines.Add(new LogLine(source!, service ?? source!, message, null));
            }
            else if (error is not null)
            {
                return (null, error);
            }
        }
        return (batch, null);
    }

    /// <summary>
    /// JSON lines: <c>{"source","service","message","timestamp"?,"level"?,"labels"?}</c> per line; source and service
    /// default to the query string's.
    /// </summary>
    public static (LogBatch? Batch, string? Error) ParseNdjson(ReadOnlySpan<byte> body, string? defaultSource, string? defaultService)
    {
        var batch = new LogBatch();
        var lineNumber = 0;
        foreach (var range in body.Split((byte)'\n'))
        {
            lineNumber++;
            var line = body[range];
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                if (range.End.Value != body.Length)
                {
                    batch.Skip(SkipReasons.Empty);
                }
                continue;
            }
            if (line.Length > MaxLineBytes * 2)
            {
                // The JSON line holds a message that is too long whatever its escaping; no need to parse it.
                batch.Skip(SkipReasons.TooLong);
                continue;
            }
            if (JsonText.Unreadable(line) is { } unreadable)
            {
                return (null, $"line {lineNumber}: {unreadable}");
            }
            string? source = null, service = null, message = null, level = null;
            try
            {
                using var doc = JsonDocument.Parse(line.ToArray(), DocumentOptions);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (null, $"line {lineNumber}: expected a JSON object, got {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}");
                }
                var root = doc.RootElement;
                var propertyError = StringProperty(root, "message", lineNumber, out message)
                    ?? StringProperty(root, "source", lineNumber, out source)
                    ?? StringProperty(root, "service", lineNumber, out service)
                    ?? StringProperty(root, "level", lineNumber, out level);
                if (propertyError is not null)
                {
                    return (null, propertyError);
                }
            }
            catch (JsonException ex)
            {
                return (null, $"line {lineNumber}: malformed JSON: {ex.Message}");
            }
            source ??= defaultSource;
            service ??= defaultService ?? source;
            if (message is null)
            {
                return (null, $"line {lineNumber}: \"message\" is required");
            }
            if (CheckName(source, "source", $"line {lineNumber} (or ?source=)") is { } sourceError)
            {
                return (null, $"line {lineNumber}: {sourceError}");
            }
            if (CheckName(service, "service", $"line {lineNumber}") is { } serviceError)
            {
                return (null, $"line {lineNumber}: {serviceError}");
            }
            if (Message(message, batch) is { } text)
            {
                batch.Lines.Add(new LogLine(source!, service!, text, level));
            }
        }
        return (batch, null);
    }

    /// <summary>
    /// Loki's push API, JSON form: <c>{"streams":[{"stream":{labels},"values":[["&lt;unix ns&gt;","line"],...]}]}</c>.
    /// The source is the <c>source</c> or <c>job</c> label, the service <c>service</c>, <c>service_name</c> or <c>app</c>.
    /// </summary>
    public static (LogBatch? Batch, string? Error) ParseLoki(ReadOnlySpan<byte> body)
    {
        var batch = new LogBatch();
        if (JsonText.Unreadable(body) is { } unreadable)
        {
            return (null, $"the body cannot be read: {unreadable}");
        }
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray(), DocumentOptions);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("streams", out var streams) || streams.ValueKind != JsonValueKind.Array)
            {
                return (null, "expected {\"streams\": [...]} (Loki push API, JSON form)");
            }
            var s = 0;
            foreach (var stream in streams.EnumerateArray())
            {
                var where = $"streams[{s++}]";
                if (stream.ValueKind != JsonValueKind.Object
                    || !stream.TryGetProperty("stream", out var labels) || labels.ValueKind != JsonValueKind.Object
                    || !stream.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Array)
                {
                    return (null, $"{where}: expected {{\"stream\": {{labels}}, \"values\": [[\"<unix ns>\", \"<line>\"], ...]}}");
                }
                // Loki's stream labels are a map of strings (Loki refuses anything else); a number, list or object for
                // "app" or "level" was silently read as no label at all.
                foreach (var label in labels.EnumerateObject())
                {
                    if (label.Value.ValueKind != JsonValueKind.String)
                    {
                        return (null, $"{where}.stream.{Clip(label.Name)}: label values are strings, not {label.Value.ValueKind.ToString().ToLowerInvariant()}");
                    }
                }
                var source = Label(labels, "source") ?? Label(labels, "job");
                var service = Label(labels, "service") ?? Label(labels, "service_name") ?? Label(labels, "app") ?? source;
                var level = Label(labels, "level") ?? Label(labels, "detected_level") ?? Label(labels, "severity");
                if (CheckName(source, "source", $"{where} (a \"source\" or \"job\" label)") is { } sourceError)
                {
                    return (null, $"{where}: {sourceError}");
                }
                if (CheckName(service, "service", where) is { } serviceError)
                {
                    return (null, $"{where}: {serviceError}");
                }
                var v = 0;
                foreach (var entry in values.EnumerateArray())
                {
                    var at = $"{where}.values[{v++}]";
                    if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() is < 2 or > 3
                        || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.String)
                    {
                        return (null, $"{at}: expected [\"<unix epoch in nanoseconds>\", \"<log line>\"]");
                    }
                    if (!long.TryParse(entry[0].GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        return (null, $"{at}: timestamp \"{Clip(entry[0].GetString()!)}\" is not a Unix epoch in nanoseconds");
                    }
                    if (Message(entry[1].GetString()!, batch) is { } text)
                    {
                        batch.Lines.Add(new LogLine(source!, service!, text, level));
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            return (null, $"malformed JSON: {ex.Message}");
        }
        return (batch, null);
    }

    /// <summary>A text line as a message, or null (skipped, or <paramref name="error"/> set when the request is bad).</summary>
    private static string? Text(ReadOnlySpan<byte> line, int lineNumber, LogBatch batch, out string? error)
    {
        error = null;
        if (line.Length > MaxLineBytes)
        {
            batch.Skip(SkipReasons.TooLong);
            return null;
        }
        if (!Utf8.IsValid(line))
        {
            error = $"line {lineNumber}: not valid UTF-8; send text as UTF-8 (binary data cannot be mined)";
            return null;
        }
        if (line.Trim(" \t"u8).IsEmpty)
        {
            batch.Skip(SkipReasons.Empty);
            return null;
        }
        if (line.Contains((byte)0))
        {
            batch.Skip(SkipReasons.Binary);
            return null;
        }
        return Encoding.UTF8.GetString(line);
    }

    private static string? Message(string message, LogBatch batch)
    {
        if (Encoding.UTF8.GetMaxByteCount(message.Length) > MaxLineBytes && Encoding.UTF8.GetByteCount(message) > MaxLineBytes)
        {
            batch.Skip(SkipReasons.TooLong);
            return null;
        }
        if (string.IsNullOrWhiteSpace(message))
        {
            batch.Skip(SkipReasons.Empty);
            return null;
        }
        if (message.Contains('\0', StringComparison.Ordinal))
        {
            // PostgreSQL text cannot hold NUL, and NULs mean binary data, not a log message.
            batch.Skip(SkipReasons.Binary);
            return null;
        }
        // A multi-line message (a stack trace in one JSON string) is mined as one line.
        return message.Contains('\n', StringComparison.Ordinal) ? message.ReplaceLineEndings(" ") : message;
    }

    private static string? StringProperty(JsonElement root, string name, int lineNumber, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            return $"line {lineNumber}: \"{name}\" must be a string";
        }
        value = element.GetString();
        return null;
    }

    private static string? Label(JsonElement labels, string name) =>
        labels.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? CheckName(string? value, string what, string where)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"{what} is required: give it in {where}";
        }
        if (value.Length > MaxNameLength)
        {
            return $"{what} is {value.Length} characters long; at most {MaxNameLength}";
        }
        foreach (var c in value)
        {
            if (char.IsControl(c) || c == '/')
            {
                return $"{what} \"{Clip(value)}\" contains a control character or '/'";
            }
        }
        return null;
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
