using System.Net;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// A NUL character (<c>\u0000</c>) in any string of any push body, on both backends: PostgreSQL cannot store NUL in text,
/// so a value that reached it unchecked was a 500 there (native events' labels and annotations) or a 503 (metric labels).
/// </summary>
public abstract class NulInPushedStringsTests(Backend backend) : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task A_nul_in_any_string_of_a_push_is_never_a_5xx()
    {
        var failures = new List<string>();
        foreach (var (path, contentType, body) in PushFuzzTests.EachStringReplacedBy("\"x\\u0000y\""))
        {
            var (status, text) = await PushFuzzTests.PostAsync(_vigil.Client, path, contentType, body);
            if (status >= 500)
            {
                failures.Add($"{status} {path} {body}: {text}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        using var health = await _vigil.Client.GetAsync("/-/healthy");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

public sealed class NulInPushedStringsOnSqlite() : NulInPushedStringsTests(Backend.Sqlite);

public sealed class NulInPushedStringsOnPostgres() : NulInPushedStringsTests(Backend.Postgres);
