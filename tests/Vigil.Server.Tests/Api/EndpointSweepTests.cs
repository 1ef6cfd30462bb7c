using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.Metrics;
using Xunit.Abstractions;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// Every endpoint the server maps, found at run time (so a new one is swept without being listed here), gets odd route
/// values, odd query strings and — for the methods that write — bad bodies, as admin: whatever arrives, the answer is
/// a 2xx, 3xx or 4xx, never a 5xx or a dropped connection. Route values are tried on the entities a config with a
/// team, schedules, an escalation policy, an SLO and metric rules lets the sweep create first, so requests get past
/// "no such id" into the code that reads bodies and query strings. Each writing endpoint needs a sample body here (or
/// is listed as taking none): its bad bodies are that sample with each value in turn of the wrong type, at an edge, or
/// missing. After the writes, every read runs again over what they stored. (This found an SLI count beyond a 32-bit
/// float, accepted and then infinite in the SLO's history: the burn-down broke off mid-answer.)
/// </summary>
public sealed partial class EndpointSweepTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string SloName = "checkout-availability";
    private const string Service = "checkout";
    private const string Schedule = "primary";
    private const string LogSource = "sweep";

    /// <summary>Route values that name nothing or are not of the route's type, already escaped for a path.</summary>
    private static readonly string[] OddRouteValues =
    [
        "nosuch", "0", "-1", new string('x', 300), "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "99999999999999999999999999", "1.5", "%00", "..", "00000000-0000-0000-0000-000000000000", "%2F", "%FF", "%20", "%C3%BC", "%25",
    ];

    /// <summary>Query parameters some endpoint reads; each endpoint also gets the names its handler binds.</summary>
    private static readonly string[] QueryNames =
    [
        "limit", "before", "since", "until", "from", "to", "at", "status", "schedule", "source", "service", "sort", "match", "name",
        "filter", "receiver", "active", "silenced", "inhibited", "unprocessed", "objective", "points", "incident", "user", "id", "no_such_parameter",
    ];

    private static readonly string[] OddQueryValues =
    [
        "-1", "0", "abc", "", new string('x', 300), "%00", "%FF", "99999999999999999999", "9223372036854775807", "-9223372036854775808",
        "2147483648", "1e309", "NaN", "notatime", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "(", "%7B", "true",
    ];

    /// <summary>Fewer for the methods that write: each of those requests may commit.</summary>
    private static readonly string[] OddQueryValuesForWrites = ["-1", "abc", "%00", new string('x', 300), "("];

    /// <summary>Times for ranges: not times, the ends of the calendar and of the years schedules are computed for, and ordinary ones.</summary>
    private static readonly string[] Times =
    [
        "notatime", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "1900-01-02T00:00:00Z", "8999-12-30T00:00:00Z",
        "8999-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "2025-12-31T00:00:00Z", "-1", "99999999999", "2026-01-01T00:00:00%2B14:00",
        "2026-01-01T00:00:00-12:00", "2026-01-01",
    ];

    /// <summary>
    /// JSON that replaces each value of a sample body in turn: wrong types, edges of numbers and of the calendar, and
    /// strings that parse but do not read (a NUL, an unpaired surrogate, bytes that are not UTF-8).
    /// </summary>
    private static readonly byte[][] WrongValues =
    [
        .. new[]
        {
            "0", "-1", "1.5", "1e400", "1e308", "-1.7976931348623157e308", "5e-324", "9223372036854775808", "-9223372036854775809",
            "\"\"", "\"x\"", "\"" + new string('x', 300) + "\"", "true", "null", "{}", "[]", "[null]", "{\"no_such_field\":1}",
            "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"1900-01-01T00:00:00Z\"", "\"8999-12-31T23:59:59Z\"", "\"notatime\"", "\"-1\"",
            "\"\\u0000\"", "\"\\ud800\"", "\"\\ud83d\\ude00\"", "\"a\\nb\\r\\tc\"", "-0",
        }.Select(Encoding.UTF8.GetBytes),
        [(byte)'"', 0xFF, (byte)'"'],
    ];

    private static readonly string[] WritingMethods = ["POST", "PUT", "PATCH", "DELETE"];

    private readonly string _sloFile = Path.Combine(Directory.CreateTempSubdirectory("vigil-sweep-").FullName, "slos.yaml");
    private readonly DateTimeOffset _start = DateTimeOffset.UtcNow;
    private RunningVigil _vigil = null!;

    private string Config => $$"""
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 0s
          escalation_policy: shop
        receivers:
          - name: default
            # Nothing listens there: each notification fails at once, so the notification log has rows with errors.
            webhook_configs: [{url: "http://127.0.0.1:9/hook", send_resolved: true}]
        users:
          - {name: alice, full_name: Alice Liddell}
          - {name: bob, full_name: Bob Marley}
        teams:
          - name: payments
            members: [{user: alice, role: manager}, bob]
        services:
          - {name: checkout, team: payments}
        schedules:
          - name: primary
            team: payments
            time_zone: UTC
            layers:
              - name: daily
                users: [alice, bob]
                rotation: 1d
                start: 2025-01-06 00:00
          - name: business
            time_zone: Europe/Berlin
            layers:
              - name: days
                users: [bob]
                rotation: 1d
                start: 2025-01-06 00:00
                restrictions: [{weekly: "Mon 09:00-Fri 17:00"}]
              - name: later
                users: [alice]
                rotation: 12h
                start: 2030-01-01 00:00
        escalation_policies:
          - name: shop
            levels:
              - delay: 24h # never due during the sweep, so what runs does not depend on how long the sweep takes
                targets: [{user: alice}]
        metrics:
          detectors:
            - {matchers: ['__name__="sweep_balanced"'], detector: balanced}
            - {matchers: ['__name__="sweep_contextual"'], detector: contextual}
          capacity:
            - {matchers: ['__name__=~"sweep_.*"'], threshold: 90, horizon: 7d}
        slos:
          files: ['{{_sloFile}}']
          evaluation_interval: 1s
        """;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_sloFile, Slo.FreezeExemptionTests.SloYaml);
        _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_sloFile)!, recursive: true);
    }

    [Fact]
    public async Task Every_endpoint_answers_odd_route_values_queries_and_bodies_without_a_5xx()
    {
        var known = await SeedAsync();
        var samples = Samples(known);
        var endpoints = Endpoints();
        Assert.True(endpoints.Count > 60, $"only {endpoints.Count} endpoints found: is the discovery broken?");

        var failures = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var unanswered = 0;
        async Task SendAllAsync(string key, IEnumerable<Probe> probes)
        {
            foreach (var probe in probes)
            {
                // A server that stopped answering would cost every remaining request its timeout: hours of CI. Five
                // unanswered requests in a row, or a sweep past its budget, end it with what was found.
                Assert.True(unanswered < 5 && clock.Elapsed < SweepBudget,
                    $"sweep stopped after {sent} requests in {clock.Elapsed.TotalSeconds:0} s ({unanswered} unanswered in a row):\n"
                    + string.Join('\n', failures.SelectMany(f => f.Value.Take(3).Select(v => $"{f.Key}: {v}"))));
                sent++;
                var failure = await SendAsync(probe);
                unanswered = failure?.StartsWith("no answer", StringComparison.Ordinal) == true ? unanswered + 1 : 0;
                if (failure is not null)
                {
                    Fail(failures, key, failure);
                }
            }
        }
        var reads = endpoints.Where(e => !WritingMethods.Contains(e.Method)).ToList();
        async Task RereadAsync()
        {
            // What the writes stored is read back: every list is read and every id, name, service and source it shows
            // is tried in each route that takes one (a stored value a read cannot show is a 500 only a read finds).
            await CrawlAsync(reads, samples, known);
            foreach (var (method, pattern, _) in reads)
            {
                var key = $"{method} {pattern}";
                await SendAllAsync(key + " (after writes)", Rereads(method, pattern, samples.GetValueOrDefault(key) ?? [], known));
            }
        }

        // Reads first, then writes, then deletes (so the entities the sweep made exist until then), each followed by the reads again.
        var writes = endpoints.Where(e => e.Method is not "DELETE").Except(reads).ToList();
        foreach (var phase in new[] { reads, writes, [.. endpoints.Where(e => e.Method is "DELETE")] })
        {
            foreach (var (method, pattern, queryNames) in phase)
            {
                var key = $"{method} {pattern}";
                if (!samples.TryGetValue(key, out var mine) && WritingMethods.Contains(method))
                {
                    Fail(failures, key, "no sample body: add one to Samples (or list it with no body if it reads none)");
                }
                await SendAllAsync(key, Probes(method, pattern, queryNames, mine ?? [], known));
            }
            if (phase != reads)
            {
                await RereadAsync();
            }
        }
        output.WriteLine($"{endpoints.Count} endpoints, {sent} requests in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.True(failures.Count == 0, $"{failures.Count} endpoints failed:\n" + string.Join('\n', failures.Select(f =>
            $"{f.Key} ({f.Value.Count}×):\n    " + string.Join("\n    ", f.Value.Take(3)))));
        using var health = await _vigil.Client.GetAsync("/-/healthy");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>~25 s on an idle 2-core machine; the budget leaves room for a loaded CI runner.</summary>
    private static readonly TimeSpan SweepBudget = TimeSpan.FromMinutes(8);

    private static void Fail(Dictionary<string, List<string>> failures, string key, string failure)
    {
        if (!failures.TryGetValue(key, out var list))
        {
            failures[key] = list = [];
        }
        list.Add(failure);
    }

    /// <summary>
    /// Each method of each route, reads first and deletes last (so the entities the sweep reads still exist), with the
    /// query parameters its handler binds. The web UI's routes are left out: they serve the embedded files, and their
    /// catch-all is the fallback for every path no API route takes — it answers each odd value that fails a route's
    /// constraint (/api/v1/incidents/abc), so the sweep reaches it anyway.
    /// </summary>
    private List<(string Method, string Pattern, string[] QueryNames)> Endpoints()
    {
        var order = new[] { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE" };
        return [.. _vigil.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>()?.DeclaringType?.Namespace?.StartsWith("Vigil.Server.Ui", StringComparison.Ordinal) != true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (
                Method: m,
                Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'),
                QueryNames: BoundNames(e).Except(e.RoutePattern.Parameters.Select(p => p.Name)).ToArray())))
            .OrderBy(e => Array.IndexOf(order, e.Method)).ThenBy(e => e.Pattern, StringComparer.Ordinal)];
    }

    /// <summary>Names of the handler's parameters that bind from the request (services and the context do not).</summary>
    private static IEnumerable<string> BoundNames(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
            .Where(p => (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) is var t && (t.IsPrimitive || t == typeof(string)))
            .Select(p => p.Name!) ?? [];

    /// <summary>
    /// The requests for one endpoint. With every route value at its home (the entity the sweep made for that route), the
    /// full set: each bad body and each odd query. With one route value odd, the generic bodies; with one naming another
    /// entity (another route's id), the sample.
    /// </summary>
    private static IEnumerable<Probe> Probes(string method, string pattern, string[] boundNames, List<Body> samples, Known known)
    {
        var parameters = RouteParameter().Matches(pattern).Select(m => m.Groups["name"].Value).ToList();
        var home = parameters.ToDictionary(p => p, p => known.Home(pattern, p));
        var writes = WritingMethods.Contains(method);

        var homePath = Fill(pattern, home);
        // A read gets no body: its sample, if it has one, is the query it needs (?source=...) that odd ones are added to.
        var plain = samples.FirstOrDefault() ?? Body.None;
        var bodies = writes ? GenericBodies(samples).ToList() : [plain];
        foreach (var body in writes ? bodies.Concat(samples.SelectMany(Mutations)) : bodies)
        {
            yield return new Probe(method, homePath + body.Query, body);
        }
        string With(string query) => $"{homePath}{plain.Query}{(plain.Query.Length > 0 ? "&" : "?")}{query}";
        foreach (var name in QueryNames.Concat(boundNames).Distinct(StringComparer.Ordinal))
        {
            foreach (var value in writes ? OddQueryValuesForWrites : OddQueryValues)
            {
                yield return new Probe(method, With($"{name}={value}"), plain);
            }
        }
        if (!writes && boundNames.Intersect(["from", "to", "at"]).Any())
        {
            // A time range: each pair of odd and edge times, with and without the query the read needs.
            foreach (var from in Times)
            {
                foreach (var to in Times)
                {
                    yield return new Probe(method, With($"from={from}&to={to}"), plain);
                    yield return new Probe(method, $"{homePath}?from={from}&to={to}", plain);
                }
                yield return new Probe(method, With($"at={from}"), plain);
                yield return new Probe(method, With($"at={from}&from={from}"), plain);
            }
        }
        if (!writes)
        {
            yield return new Probe(method, With("limit=1&limit=2&filter=a&filter=%28"), plain);
        }

        foreach (var parameter in parameters)
        {
            foreach (var value in OddRouteValues.Where(v => v != home[parameter]))
            {
                var path = Fill(pattern, new Dictionary<string, string>(home) { [parameter] = value });
                foreach (var body in bodies)
                {
                    yield return new Probe(method, path + body.Query, body);
                }
            }
            foreach (var value in known.Pool(parameter).Where(v => v != home[parameter]).Except(OddRouteValues))
            {
                yield return new Probe(method, Fill(pattern, new Dictionary<string, string>(home) { [parameter] = value }) + plain.Query, plain);
            }
        }
    }

    /// <summary>A read once more: as it was first read, and with each value seen in a list in each of its route parameters.</summary>
    private static IEnumerable<Probe> Rereads(string method, string pattern, List<Body> samples, Known known)
    {
        var parameters = RouteParameter().Matches(pattern).Select(m => m.Groups["name"].Value).ToList();
        var home = parameters.ToDictionary(p => p, p => known.Home(pattern, p));
        var plain = samples.FirstOrDefault() ?? Body.None;
        yield return new Probe(method, Fill(pattern, home) + plain.Query, plain);
        foreach (var parameter in parameters)
        {
            foreach (var value in known.Pool(parameter).Where(v => v != home[parameter]))
            {
                yield return new Probe(method, Fill(pattern, new Dictionary<string, string>(home) { [parameter] = value }) + plain.Query, plain);
            }
        }
    }

    /// <summary>Reads each list (the routes without parameters) and remembers the values of its properties named like a route parameter.</summary>
    private async Task CrawlAsync(List<(string Method, string Pattern, string[] QueryNames)> reads, Dictionary<string, List<Body>> samples, Known known)
    {
        foreach (var (_, pattern, _) in reads.Where(r => r.Method == "GET" && !r.Pattern.Contains('{', StringComparison.Ordinal) && r.Pattern != "/api/v1/stream"))
        {
            var query = samples.GetValueOrDefault($"GET {pattern}")?.FirstOrDefault()?.Query is { Length: > 0 } q ? q + "&limit=500" : "?limit=500";
            // A list that cannot be read back (a broken answer) is reported by the sweep's own request for it; here it
            // only contributes no names.
            try
            {
                using var response = await _vigil.Client.GetAsync(pattern + query);
                if (response.Content.Headers.ContentType?.MediaType == "application/json"
                    && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is { } json)
                {
                    known.Remember(json);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException)
            {
                output.WriteLine($"crawl: GET {pattern}{query} unreadable ({ex.Message})");
            }
        }
    }

    private static string Fill(string pattern, Dictionary<string, string> values) =>
        RouteParameter().Replace(pattern, m => values[m.Groups["name"].Value]);

    /// <summary>Bodies any writing endpoint must refuse or ignore: none, empty, not an object, not JSON, too deep; and its samples.</summary>
    private static IEnumerable<Body> GenericBodies(List<Body> samples)
    {
        var query = samples.FirstOrDefault()?.Query ?? "";
        yield return Body.None with { Query = query };
        foreach (var json in new[] { "", "null", "[]", "{}", "{", "\"x\"", "1", "[null]", new string('[', 1000) })
        {
            yield return new Body("application/json", Encoding.UTF8.GetBytes(json), null, query);
        }
        foreach (var sample in samples)
        {
            yield return sample;
        }
    }

    /// <summary>
    /// A sample under the wrong media type; a JSON sample with each of its values (object, array and scalar alike) in
    /// turn replaced by each wrong value, and with each property in turn missing; any other sample (protobuf, text) cut
    /// short and with a byte changed (seeded).
    /// </summary>
    private static IEnumerable<Body> Mutations(Body sample)
    {
        if (sample.ContentType is null)
        {
            yield break;
        }
        yield return sample with { ContentType = sample.ContentType == "text/plain" ? "application/json" : "text/plain" };
        foreach (var parameters in new[] { "; charset=utf-16", "; charset=nonsense", ";;=", "; charset=\"" })
        {
            yield return sample with { ContentType = sample.ContentType + parameters };
        }
        if (sample.ContentType is not ("application/json" or "application/x-ndjson"))
        {
            var random = new Random(20261201);
            for (var cut = 1; cut < sample.Bytes.Length; cut += Math.Max(1, sample.Bytes.Length / 16))
            {
                yield return sample with { Bytes = sample.Bytes[..cut] };
                var flipped = sample.Bytes.ToArray();
                flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                yield return sample with { Bytes = flipped };
            }
            yield break;
        }
        var root = JsonNode.Parse(sample.Bytes)!;
        foreach (var path in Paths(root, []))
        {
            var copy = root.DeepClone();
            Set(copy, path, JsonValue.Create(Placeholder));
            var text = copy.ToJsonString();
            var at = text.IndexOf($"\"{Placeholder}\"", StringComparison.Ordinal);
            var (before, after) = (Encoding.UTF8.GetBytes(text[..at]), Encoding.UTF8.GetBytes(text[(at + Placeholder.Length + 2)..]));
            foreach (var wrong in WrongValues)
            {
                yield return sample with { Bytes = [.. before, .. wrong, .. after] };
            }
            if (path[^1] is string property)
            {
                copy = root.DeepClone();
                ((JsonObject)Navigate(copy, path[..^1])).Remove(property);
                yield return sample with { Bytes = Encoding.UTF8.GetBytes(copy.ToJsonString()) };
            }
        }
        // Each object with one more property of an odd name (in a map of labels, an odd label name).
        foreach (var path in Paths(root, []).Prepend([]).Where(p => Navigate(root, p) is JsonObject))
        {
            foreach (var name in OddNames)
            {
                var copy = root.DeepClone();
                Navigate(copy, path).AsObject()[name] = "x";
                yield return sample with { Bytes = Encoding.UTF8.GetBytes(copy.ToJsonString()) };
            }
        }
    }

    private static readonly string[] OddNames = ["", "\0", "__name__", "a-b c", new string('k', 300)];

    private const string Placeholder = "sweep-placeholder-7f3a";

    /// <summary>The path (property names and array indexes) of every node below <paramref name="node"/>.</summary>
    private static IEnumerable<object[]> Paths(JsonNode? node, object[] at)
    {
        var children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)).ToList(),
            JsonArray a => a.Select((v, i) => ((object)i, v)).ToList(),
            _ => [],
        };
        foreach (var (key, child) in children)
        {
            object[] path = [.. at, key];
            yield return path;
            foreach (var below in Paths(child, path))
            {
                yield return below;
            }
        }
    }

    private static JsonNode Navigate(JsonNode node, object[] path) =>
        path.Aggregate(node, (n, key) => key is string name ? n[name]! : n[(int)key]!);

    private static void Set(JsonNode root, object[] path, JsonNode value)
    {
        var parent = Navigate(root, path[..^1]);
        if (path[^1] is string name)
        {
            parent[name] = value;
        }
        else
        {
            parent[(int)path[^1]] = value;
        }
    }

    /// <summary>Null when the answer is not a 5xx and came whole; otherwise what went wrong, with the request.</summary>
    private async Task<string?> SendAsync(Probe probe)
    {
        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Path);
        if (probe.Body.ContentType is { } type)
        {
            request.Content = new ByteArrayContent(probe.Body.Bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", type); // as sent, malformed or not
            if (probe.Body.Encoding is { } encoding)
            {
                request.Content.Headers.ContentEncoding.Add(encoding);
            }
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a loaded 2-core CI runner is slow, not broken
        try
        {
            using var response = await _vigil.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            // The event stream never ends: its status is the answer.
            var text = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync(timeout.Token);
            // A 401 means the sweep revoked its own token, and every answer after it says nothing.
            return status >= 500 || status == 401 ? $"{status} {probe}: {text}" : null;
        }
        catch (HttpRequestException ex)
        {
            return $"no answer (connection broken: {ex.Message}) {probe}";
        }
        catch (OperationCanceledException)
        {
            return $"no answer within 30 s {probe}";
        }
    }

    [GeneratedRegex(@"\{\**(?<name>[^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    /// <summary>
    /// An entity of each kind, made through the API: an incident (with an escalation), a silence, a token, an override,
    /// a swap, an integration key, a metric series, a log template and a freeze exemption.
    /// </summary>
    private async Task<Known> SeedAsync()
    {
        var client = _vigil.Client;
        await client.PostOkAsync("/api/v2/alerts", new[] { new { labels = new Dictionary<string, string> { ["alertname"] = "Sweep", ["service"] = Service } } });
        await client.PostOkAsync("/api/v1/sli-events", new { events = new[] { new { slo = SloName, good = 9, total = 10 } } });
        await client.PostOkAsync("/api/v1/metrics", new { samples = new[] { new { series = "sweep_latency", labels = new Dictionary<string, string> { ["env"] = "prod" }, value = 1.5, timestamp = Time(_start) } } });
        // Series for each detector and the capacity rule, with an hour of values: rising, and at the edges of double.
        double[] edges = [1e308, -1e308, 0, 5e-324, double.MaxValue, double.MinValue, 1, -5e-324];
        foreach (var name in new[] { "sweep_latency", "sweep_balanced", "sweep_contextual" })
        {
            await client.PostOkAsync("/api/v1/metrics", new
            {
                samples = Enumerable.Range(0, 60).SelectMany(i => new[]
                {
                    new { series = name, labels = new Dictionary<string, string> { ["env"] = "rising" }, value = (double)i, timestamp = Time(_start.AddMinutes(i - 60)) },
                    new { series = name, labels = new Dictionary<string, string> { ["env"] = "edges" }, value = edges[i % edges.Length], timestamp = Time(_start.AddMinutes(i - 60)) },
                }).ToArray(),
            });
        }
        using (var logs = await client.PostAsync($"/api/v1/logs?source={LogSource}", new StringContent("sweep line 1\nsweep line 2\n", Encoding.UTF8, "text/plain")))
        {
            Assert.True(logs.IsSuccessStatusCode, await logs.Content.ReadAsStringAsync());
        }
        var silence = await CreateAsync("/api/v2/silences", new
        {
            matchers = new[] { new { name = "alertname", value = "Other", isRegex = false, isEqual = true } },
            startsAt = Time(_start),
            endsAt = Time(_start.AddHours(1)),
            createdBy = "sweep",
            comment = "seed",
        }, "silenceID");
        var token = await CreateAsync("/api/v1/tokens", new { name = "sweep-token", role = "viewer" }, "id");
        var overrideId = await CreateAsync("/api/v1/overrides", new { schedule = Schedule, start = Time(_start.AddHours(1)), end = Time(_start.AddHours(2)), user = "bob" }, "id");
        var swap = await CreateAsync("/api/v1/swaps", new { schedule = Schedule, start = Time(_start.AddDays(1)), end = Time(_start.AddDays(3)), user = "alice" }, "id");
        using var integrationResponse = await client.PostAsync("/api/v1/integrations", Http.Json(new { name = "sweep", service = Service }));
        var integration = await integrationResponse.ReadJsonAsync();
        var exemption = await CreateAsync($"/api/v1/services/{Service}/freeze/exemptions", new { reason = "seed", @for = "1h" }, "id");

        string incident = "", series = "", template = "";
        await Eventually.TrueAsync(async () =>
        {
            incident = (await client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault()?["id"]?.ToString() ?? "";
            series = (await client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray().FirstOrDefault()?["id"]?.ToString() ?? "";
            template = (await client.GetJsonAsync($"/api/v1/logs/templates?source={LogSource}"))["templates"]!.AsArray().FirstOrDefault()?["id"]?.ToString() ?? "";
            return incident.Length > 0 && series.Length > 0 && template.Length > 0;
        }, TimeSpan.FromSeconds(60), "an incident, a metric series and a log template");

        return new Known(
            [
                ("/api/v1/incidents/", incident), ("/api/v2/silence/", silence), ("/api/v1/tokens/", token), ("/api/v1/overrides/", overrideId),
                ("/api/v1/swaps/", swap), ("/api/v1/integrations/", (string)integration["id"]!), ("/api/v1/metrics/series/", series),
                ("/api/v1/services/", exemption), ("/api/v1/logs/templates/", template),
            ],
            (string)integration["routingKey"]!);
    }

    private async Task<string> CreateAsync(string path, object body, string idProperty)
    {
        using var response = await _vigil.Client.PostAsync(path, Http.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} → {(int)response.StatusCode}: {text}");
        return (string)JsonNode.Parse(text)![idProperty]!;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A valid body for each writing endpoint (several where it takes alternatives; none listed: it reads no body), and
    /// the query some reads need.
    /// </summary>
    private Dictionary<string, List<Body>> Samples(Known known)
    {
        var (now, start, soon, later) = (Time(_start), Time(_start.AddDays(1)), Time(_start.AddDays(1).AddHours(2)), Time(_start.AddDays(2)));
        var samples = new Dictionary<string, List<Body>>(StringComparer.Ordinal);
        void Add(string key, params Body[] bodies) => samples[key] = [.. bodies];
        var labels = new Dictionary<string, string> { ["alertname"] = "Sweep", ["service"] = Service };

        // Reads: the query a read needs to get past its first check, to which the sweep adds odd parameters.
        Add("GET /api/v1/logs/templates", Body.None with { Query = $"?source={LogSource}" });
        Add("GET /api/v1/oncall", Body.None with { Query = $"?schedule={Schedule}" });
        Add("GET /api/v1/overrides", Body.None with { Query = $"?schedule={Schedule}" });
        Add("GET /api/v1/swaps", Body.None with { Query = $"?schedule={Schedule}" });
        Add("GET /api/v1/metrics/series", Body.None with { Query = "?name=sweep_latency" });

        Add("POST /api/v2/alerts", Json(new[] { new { labels, annotations = new { summary = "s" }, startsAt = now, endsAt = later, generatorURL = "http://x" } }));
        var matchers = new[] { new { name = "alertname", value = "Sweep", isRegex = false, isEqual = true } };
        Add("POST /api/v2/silences", Json(new { matchers, startsAt = start, endsAt = later, createdBy = "sweep", comment = "c" }),
            Json(new { id = known.Home("/api/v2/silence/{id}", "id"), matchers, startsAt = start, endsAt = later, createdBy = "sweep", comment = "c" }));
        Add("DELETE /api/v2/silence/{id}");
        Add("POST /-/reload");
        foreach (var action in new[] { "acknowledge", "unacknowledge", "resolve", "reopen" })
        {
            Add($"POST /api/v1/incidents/{{id:long}}/{action}", Json(new { comment = "c" }));
        }
        Add("POST /api/v1/incidents/{id:long}/notes", Json(new { text = "t" }));
        Add("PUT /api/v1/incidents/{id:long}/priority", Json(new { priority = "P1" }));
        Add("POST /api/v1/incidents/{id:long}/escalate");
        Add("POST /api/v1/incidents/{id:long}/reassign", Json(new { user = "bob" }));
        Add("POST /api/v1/services/{service}/freeze/exemptions", Json(new { reason = "r", @for = "1h" }), Json(new { reason = "r", until = soon }));
        Add("DELETE /api/v1/services/{service}/freeze/exemptions/{id}");
        Add("POST /api/v1/events",
            Json(new { source = "ci", severity = "info", service = Service, summary = "x", dedup_key = "d", labels = new { a = "b" }, annotations = new { c = "d" } }),
            Json(new[] { new { action = "resolve", source = "ci", service = Service, dedup_key = "d", timestamp = now } }));
        // A minute that has ended: the SLO counts only whole minutes, and what this one holds is read back after the writes.
        Add("POST /api/v1/sli-events", Json(new { events = new[] { new { slo = SloName, good = 1, total = 2, timestamp = Time(_start.AddMinutes(-2)) } } }));
        Add("POST /api/v1/metrics", Json(new { samples = new[] { new { series = "sweep_latency", labels = new { env = "prod" }, value = 1, timestamp = now } } }));
        Add("POST /api/v1/write", new Body("application/x-protobuf", RemoteWriteBody.Compressed(
            new RemoteWriteBody.Series([("__name__", "sweep_up"), ("job", "x")], [(_start.ToUnixTimeMilliseconds(), 1)])), "snappy"));
        Add("POST /api/v1/metrics/series/{id}/relearn");
        Add("POST /api/v1/metrics/relearn", Body.None with { Query = "?match=%7B__name__%3D%22sweep_latency%22%7D" });
        Add("DELETE /api/v1/metrics/series/{id}");
        Add("DELETE /api/v1/logs/sources/{name}");
        Add("POST /api/v1/logs",
            Json(new { message = "hello 1", source = "s", level = "error", service = Service }) with { ContentType = "application/x-ndjson", Query = $"?source={LogSource}" },
            new Body("text/plain", "line one 1\nline two\n"u8.ToArray(), null, $"?source={LogSource}&service={Service}"));
        Add("POST /api/v1/tokens", Json(new { name = "sweep", role = "viewer", user = "alice" }));
        Add("DELETE /api/v1/tokens/{id}");
        Add("POST /api/v1/swaps", Json(new { schedule = Schedule, start, end = later, from = "alice", user = "alice" }));
        Add("POST /api/v1/swaps/take", Json(new { schedule = Schedule, start, end = later, from = "alice", user = "bob" }));
        Add("POST /api/v1/swaps/manager", Json(new { schedule = Schedule, start, end = later, from = "alice", to = "bob" }),
            Json(new { schedule = Schedule, start = "1900-01-01T00:00:00Z", end = "1900-01-03T00:00:00Z", from = "alice", to = "bob" }),
            Json(new { schedule = "business", start = "8999-12-29T00:00:00Z", end = "8999-12-31T23:59:59Z", from = "bob", to = "alice" }));
        Add("POST /api/v1/swaps/{id}/accept", Json(new { user = "bob" }));
        Add("POST /api/v1/swaps/{id}/cancel");
        Add("POST /api/v1/overrides", Json(new { schedule = Schedule, start, end = soon, user = "bob" }),
            Json(new { schedule = Schedule, start = "1900-01-01T00:00:00Z", end = "1900-01-02T00:00:00Z", user = "bob" }),
            Json(new { schedule = "business", start = "8999-12-30T00:00:00Z", end = "8999-12-31T23:59:59Z", user = "alice" }));
        Add("DELETE /api/v1/overrides/{id}");
        Add("POST /v2/enqueue",
            Json(new
            {
                routing_key = known.RoutingKey,
                event_action = "trigger",
                dedup_key = "sweep",
                payload = new { summary = "s", source = "s", severity = "info", timestamp = now, component = "c", group = "g", @class = "k", custom_details = new { a = 1 } },
                links = new[] { new { href = "http://x", text = "t" } },
                images = new[] { new { src = "http://x/i.png" } },
            }),
            Json(new { routing_key = known.RoutingKey, event_action = "acknowledge", dedup_key = "sweep" }),
            Json(new { routing_key = known.RoutingKey, event_action = "resolve", dedup_key = "sweep" }));
        Add("POST /v2/change/enqueue", Json(new
        {
            routing_key = known.RoutingKey,
            payload = new { summary = "s", source = "s", timestamp = now, custom_details = new { a = 1 } },
            links = new[] { new { href = "http://x" } },
        }));
        Add("POST /api/v1/integrations", Json(new { name = "sweep-2", service = Service }));
        Add("DELETE /api/v1/integrations/{id}");
        var nanoseconds = (_start.ToUnixTimeMilliseconds() * 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Add("POST /loki/api/v1/push", Json(new { streams = new[] { new { stream = new { job = "sweep-loki", service = Service }, values = new[] { new[] { nanoseconds, "x" } } } } }));
        return samples;
    }

    private static Body Json(object value) => new("application/json", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value));

    /// <summary>A request body: its media type (null: no body at all), bytes, Content-Encoding and the query it needs.</summary>
    private sealed record Body(string? ContentType, byte[] Bytes, string? Encoding = null, string Query = "")
    {
        public static readonly Body None = new(null, []);

        public override string ToString() => ContentType is null ? "no body"
            : $"{ContentType} {(ContentType.Contains("protobuf", StringComparison.Ordinal) ? Convert.ToHexString(Bytes) : System.Text.Encoding.UTF8.GetString(Bytes))}";
    }

    private sealed record Probe(string Method, string Path, Body Body)
    {
        public override string ToString()
        {
            var body = Body.ToString();
            return $"{Method} {(Path.Length > 200 ? Path[..200] + "…" : Path)} {(body.Length > 300 ? body[..300] + "…" : body)}";
        }
    }

    /// <summary>
    /// The entities the sweep made (for each route, the value of its parameters that names one), and every value a list
    /// showed under a property named like a route parameter, so each route also sees other routes' ids.
    /// </summary>
    private sealed record Known(List<(string Prefix, string Id)> Ids, string RoutingKey)
    {
        private static readonly string[] Parameters = ["id", "name", "service", "source"];
        private readonly Dictionary<string, SortedSet<string>> _seen = Parameters.ToDictionary(p => p, _ => new SortedSet<string>(StringComparer.Ordinal));

        public string Home(string pattern, string parameter) => parameter switch
        {
            "service" => Service,
            "source" => LogSource,
            "name" => pattern.Contains("/slos/", StringComparison.Ordinal) ? SloName
                : pattern.Contains("/logs/sources/", StringComparison.Ordinal) ? LogSource : Schedule,
            _ => Ids.FirstOrDefault(i => pattern.StartsWith(i.Prefix, StringComparison.Ordinal)).Id ?? "x",
        };

        /// <summary>Values for a parameter of this name, escaped for a path.</summary>
        public IEnumerable<string> Pool(string parameter) =>
            parameter == "id" ? Ids.Select(i => i.Id).Union(_seen["id"]) : _seen.GetValueOrDefault(parameter) ?? [];

        public void Remember(JsonNode node)
        {
            if (node is JsonObject own && own["name"] is JsonValue name && name.TryGetValue<string>(out var text) && text == "test-admin")
            {
                return; // the sweep's own token: revoked, it would leave the sweep blind (a 401 for everything after)
            }
            if (node is JsonArray array)
            {
                foreach (var item in array.OfType<JsonNode>())
                {
                    Remember(item);
                }
            }
            else if (node is JsonObject obj)
            {
                foreach (var (property, value) in obj)
                {
                    if (value is JsonValue scalar && _seen.TryGetValue(property, out var seen) && scalar.ToString() is { Length: > 0 } seenText)
                    {
                        seen.Add(Uri.EscapeDataString(seenText));
                    }
                    else if (value is not null)
                    {
                        Remember(value);
                    }
                }
            }
        }
    }
}
