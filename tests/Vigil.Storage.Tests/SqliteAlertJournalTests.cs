using Microsoft.Data.Sqlite;
using Vigil.Core.Alerts;
using Vigil.Core.Store;
using Vigil.Storage.Sqlite;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>
/// The SQLite alert journal with a tiny capacity, so folding into <c>alerts</c> happens all the time: whatever the
/// mix of updates, deletes, expiries, failures and reopenings, the store must load exactly the alerts a plain map holds.
/// </summary>
public sealed class SqliteAlertJournalTests : IAsyncLifetime
{
    private const int Capacity = 8;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vigil-journal-tests", Guid.NewGuid().ToString("N"));
    private SqliteStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteStore(_directory, Capacity);
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Random_updates_and_deletes_load_back_exactly_through_folding_and_reopening()
    {
        var random = new Random(20261125);
        var expected = new Dictionary<Fingerprint, Alert>();
        for (var round = 0; round < 200; round++)
        {
            var changes = new ChangeSet();
            // A change set applies its deletions before its upserts, so each fingerprint appears once per set.
            var names = Enumerable.Range(0, 12).OrderBy(_ => random.Next()).Take(random.Next(1, 6));
            foreach (var name in names)
            {
                var alert = Alert("A" + name, seconds: round) with { GeneratorUrl = $"round-{round}" };
                var dice = random.Next(8);
                if (dice == 0)
                {
                    changes.DeletedAlerts.Add(alert.Fingerprint);
                    expected.Remove(alert.Fingerprint);
                }
                else if (dice == 1)
                {
                    // Garbage collection of the version stored a few rounds ago, or of an older one (then it stays);
                    // the stored version is in the journal or already folded into `alerts`.
                    var seen = At(round - random.Next(0, 8), 13);
                    changes.ExpiredAlerts.Add(new AlertVersion(alert.Fingerprint, seen));
                    if (expected.TryGetValue(alert.Fingerprint, out var stored) && stored.UpdatedAt <= seen)
                    {
                        expected.Remove(alert.Fingerprint);
                    }
                }
                else
                {
                    changes.Alerts.Add(alert);
                    expected[alert.Fingerprint] = alert;
                }
            }
            await _store.ApplyAsync([changes]);
            if (round % 50 == 49)
            {
                await _store.DisposeAsync();
                _store = new SqliteStore(_directory, Capacity);
            }
            var loaded = (await _store.LoadAlertsAsync()).ToDictionary(a => a.Fingerprint);
            Assert.Equal(expected.Keys.Order(), loaded.Keys.Order());
            foreach (var (fingerprint, alert) in expected)
            {
                Assert.Equal(alert.GeneratorUrl, loaded[fingerprint].GeneratorUrl);
            }
        }
        // Bounded: at most twice the distinct alerts (12 names), and folding did copy rows into `alerts`.
        Assert.InRange(await ScalarAsync("SELECT count(*) FROM alert_journal"), 1, 2 * 12);
        Assert.True(await ScalarAsync("SELECT count(*) FROM alerts") > 0);
    }

    [Fact]
    public async Task A_failed_transaction_does_not_confuse_the_journal()
    {
        await _store.ApplyAsync([Changes(c => c.Tokens.Add(Token("t1", "hash-1")))]);
        var kept = Alert("Kept");
        await _store.ApplyAsync([Changes(c => c.Alerts.Add(kept))]);
        var failing = Changes(c => { c.Alerts.Add(Alert("Lost")); c.DeletedAlerts.Add(kept.Fingerprint); c.Tokens.Add(Token("t2", "hash-1")); });
        await Assert.ThrowsAnyAsync<SqliteException>(() => _store.ApplyAsync([failing]));

        // Enough writes afterwards to fold everything that was (and was not) committed.
        for (var i = 0; i < 3 * Capacity; i++)
        {
            await _store.ApplyAsync([Changes(c => c.Alerts.Add(Alert("Other" + (i % 3))))]);
        }

        var names = (await _store.LoadAlertsAsync()).Select(a => a.Labels["alertname"]).Order().ToArray();
        Assert.Equal(["Kept", "Other0", "Other1", "Other2"], names);
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "vigil.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
