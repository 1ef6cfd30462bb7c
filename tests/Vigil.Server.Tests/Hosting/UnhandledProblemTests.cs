using Microsoft.Data.Sqlite;
using Vigil.Server;

namespace Vigil.Server.Tests.Hosting;

/// <summary>What an exception no endpoint handled is answered with.</summary>
public sealed class UnhandledProblemTests
{
    public static TheoryData<Exception> StorageFailures => new()
    {
        new SqliteException("database or disk is full", 13),
        new IOException("No space left on device"),
        new TimeoutException("Timeout during reading attempt"),
    };

    [Theory]
    [MemberData(nameof(StorageFailures))]
    public void A_storage_failure_is_a_503_to_retry_not_a_500(Exception error)
    {
        var (status, detail) = VigilServer.UnhandledProblem(error);

        Assert.Equal(503, status);
        Assert.Contains("Retry later", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Anything_else_is_still_a_500() =>
        Assert.Equal(500, VigilServer.UnhandledProblem(new InvalidOperationException("a bug")).Status);
}
