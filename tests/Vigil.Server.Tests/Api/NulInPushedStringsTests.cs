using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// A NUL character (<c>\u0000</c>) in any string of any push body, on both backends: PostgreSQL cannot store NUL in text,
/// so a value that reached it unchecked was a 500 there (found for native events' labels and annotations).
/// </summary>
public abstract partial class NulInPushedStringsTests(Backend backend) : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task A_nul_in_any_string_of_a_push_is_never_a_5xx()
    {
        var failures = new List<string>();
        foreach (var (path, contentType, seed) in PushFuzzTests.Seeds)
        {
            foreach (Match match in QuotedString().Matches(seed))
            {
                var body = string.Concat(seed.AsSpan(0, match.Index), "\"x\\u0000y\"", seed.AsSpan(match.Index + match.Length));
                using var content = new StringContent(body, Encoding.UTF8);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                using var response = await _vigil.Client.PostAsync(path, content);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{(int)response.StatusCode} {path} {body}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        using var health = await _vigil.Client.GetAsync("/-/healthy");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [GeneratedRegex("\"([^\"\\\\]*)\"")]
    private static partial Regex QuotedString();
}

public sealed class NulInPushedStringsOnSqlite() : NulInPushedStringsTests(Backend.Sqlite);

public sealed class NulInPushedStringsOnPostgres() : NulInPushedStringsTests(Backend.Postgres);
