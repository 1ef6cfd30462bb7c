using System.Diagnostics;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Matching;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Xunit.Abstractions;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IVigilStore"/> backend must have. Each concrete subclass gives every test a fresh,
/// empty database; the store under test is opened and migrated before each test.
/// </summary>
public abstract partial class StoreContract(ITestOutputHelper output) : IAsyncLifetime
{
    private IVigilStore? _store;

    protected IVigilStore Store => _store ?? throw new InvalidOperationException("store not opened");

    /// <summary>Prepares this test's empty database.</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>Removes this test's database (the store is already disposed).</summary>
    protected abstract Task DropDatabaseAsync();

    /// <summary>Opens a new, not yet migrated store on this test's database.</summary>
    protected abstract IVigilStore OpenStore();

    /// <summary>A scalar query run directly against this test's database, bypassing the store.</summary>
    protected abstract Task<long> ScalarAsync(string sql);

    /// <summary>"sqlite" or "postgres": which embedded migrations the backend should have applied.</summary>
    protected abstract string Backend { get; }

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        _store = OpenStore();
        await _store.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        await DropDatabaseAsync();
    }

    private Task Apply(params ChangeSet[] sets) => Store.ApplyAsync(sets);

    private async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        _store = null;
        _store = OpenStore();
        await _store.MigrateAsync();
    }

    [Fact]
    public async Task Alerts_round_trip_exactly_including_unicode_and_sub_millisecond_timestamps()
    {
        var plain = Alert("HighLatency");
        var unicode = new Alert(
            LabelSet.From(("alertname", "Überlast 🔥"), ("说明", "磁盘 \"满\" \\ 了\n第二行"), ("empty", "")),
            LabelSet.From(("description", "emoji 👩‍💻 and ß and tab\t"), ("quote", "it's \"quoted\"")),
            At(5, 999_999), At(6, 1), "", At(7, 123_457), Timeout: true);
        var bare = new Alert(LabelSet.From(("alertname", "Bare")), LabelSet.Empty, At(1), At(2), "http://x", At(3));
        await Apply(Changes(c => c.Alerts.AddRange([plain, unicode, bare])));

        var loaded = (await Store.LoadAlertsAsync()).ToDictionary(a => a.Fingerprint);
        Assert.Equal(3, loaded.Count);
        Same(plain, loaded[plain.Fingerprint]);
        Same(unicode, loaded[unicode.Fingerprint]);
        Same(bare, loaded[bare.Fingerprint]);
    }

    [Fact]
    public async Task Alert_upsert_replaces_the_stored_alert_with_the_same_fingerprint()
    {
        var first = Alert("Disk");
        await Apply(Changes(c => c.Alerts.Add(first)));
        var second = first with
        {
            Annotations = LabelSet.From(("summary", "changed")),
            EndsAt = At(10),
            UpdatedAt = At(9),
            Timeout = true,
            GeneratorUrl = "http://new",
        };
        await Apply(Changes(c => c.Alerts.Add(second)));

        var alert = Assert.Single(await Store.LoadAlertsAsync());
        Same(second, alert);
    }

    [Fact]
    public async Task Deleted_alerts_are_gone_and_deleting_a_missing_one_is_harmless()
    {
        var keep = Alert("Keep");
        var drop = Alert("Drop");
        await Apply(Changes(c => c.Alerts.AddRange([keep, drop])));
        await Apply(Changes(c => c.DeletedAlerts.AddRange([drop.Fingerprint, new Fingerprint(42)])));

        Same(keep, Assert.Single(await Store.LoadAlertsAsync()));
    }

    [Fact]
    public async Task An_expired_alert_goes_only_if_the_stored_version_is_not_newer_than_the_one_seen()
    {
        // Garbage collection of resolved alerts: a server deletes the version it saw; another server that stored the
        // alert again since (it fired again) must keep it. Expiring a missing alert is harmless.
        var seen = Alert("Seen");
        var refired = Alert("Refired");
        var older = Alert("Older", seconds: 5);
        await Apply(Changes(c => c.Alerts.AddRange([seen, refired, older])));
        var refiredAgain = refired with { EndsAt = At(900), UpdatedAt = At(60, 1) };
        await Apply(Changes(c => c.Alerts.Add(refiredAgain)));

        await Apply(Changes(c => c.ExpiredAlerts.AddRange(
            [AlertVersion.Of(seen), AlertVersion.Of(refired), new(older.Fingerprint, At(9)), new(new Fingerprint(42), At(9))])));

        Same(refiredAgain, Assert.Single(await Store.LoadAlertsAsync()));
        await Apply(Changes(c => c.ExpiredAlerts.Add(AlertVersion.Of(seen))));
        await ReopenAsync();
        Same(refiredAgain, Assert.Single(await Store.LoadAlertsAsync()));
    }

    [Fact]
    public async Task An_expiry_meets_the_writes_of_its_commit_in_order()
    {
        var a = Alert("A");
        var b = Alert("B");
        var c = Alert("C");
        var d = Alert("D");
        await Apply(Changes(s => s.Alerts.AddRange([a, b, c, d])));
        var newerB = b with { UpdatedAt = At(30), EndsAt = At(900) };
        await Apply(
            // A firing sample in the same set as its expiry wins: deletions go first.
            Changes(s => { s.ExpiredAlerts.Add(AlertVersion.Of(a)); s.Alerts.Add(a with { GeneratorUrl = "fired again" }); }),
            // Stored newer by an earlier set of the commit: the expiry of the older version leaves it.
            Changes(s => s.Alerts.Add(newerB)),
            Changes(s => s.ExpiredAlerts.Add(AlertVersion.Of(b))),
            // An earlier set stored exactly the version expired: it goes.
            Changes(s => s.Alerts.Add(c with { GeneratorUrl = "same version" })),
            Changes(s => s.ExpiredAlerts.Add(AlertVersion.Of(c))),
            // Expired, then stored again by a later set: the later write stays.
            Changes(s => s.ExpiredAlerts.Add(AlertVersion.Of(d))),
            Changes(s => s.Alerts.Add(d with { GeneratorUrl = "back", UpdatedAt = At(40) })));

        var loaded = (await Store.LoadAlertsAsync()).ToDictionary(x => x.Labels["alertname"]);
        Assert.Equal(["A", "B", "D"], loaded.Keys.Order());
        Assert.Equal(("fired again", newerB.UpdatedAt, "back"), (loaded["A"].GeneratorUrl, loaded["B"].UpdatedAt, loaded["D"].GeneratorUrl));
    }

    [Fact]
    public async Task Change_sets_in_one_call_apply_in_order()
    {
        var a = Alert("A");
        var b = Alert("B");
        await Apply(
            Changes(c => { c.Alerts.AddRange([a, b]); c.Meta["k"] = "1"; c.Groups.Add(new("g", "{}", null)); }),
            Changes(c => { c.DeletedAlerts.Add(a.Fingerprint); c.Alerts.Add(b with { GeneratorUrl = "second" }); c.Meta["k"] = "2"; }),
            Changes(c => { c.Alerts.Add(a with { GeneratorUrl = "back" }); c.DeletedGroups.Add("g"); }),
            Changes(c => { c.DeletedAlerts.Add(b.Fingerprint); c.Meta["k"] = "3"; }));

        var alert = Assert.Single(await Store.LoadAlertsAsync());
        Assert.Equal("back", alert.GeneratorUrl);
        Assert.Equal("3", await Store.GetMetaAsync("k"));
        Assert.Empty(await Store.LoadGroupsAsync());
    }

    [Fact]
    public async Task A_nul_in_free_text_or_json_does_not_fail_the_commit()
    {
        // PostgreSQL refuses NUL in text and the \u0000 escape in jsonb; one such string failed the whole group commit.
        // It stores U+FFFD there instead; SQLite keeps the NUL. An escaped backslash before "u0000" is text, kept as is.
        var alert = Alert("Nul", extra: ("k", "v")) with { Annotations = LabelSet.From(("summary", "a\0b"), ("path", "c:\\u0000")) };
        await Apply(Changes(c =>
        {
            c.Alerts.Add(alert);
            c.Audit.Add(new(At(0), "x\0y", "incident.comment", "incident/1", "said \0 this"));
        }));
        var nul = Backend == "postgres" ? "\uFFFD" : "\0";
        var stored = Assert.Single(await Store.LoadAlertsAsync());
        Assert.Equal($"a{nul}b", stored.Annotations["summary"]);
        Assert.Equal("c:\\u0000", stored.Annotations["path"]);
        var audit = Assert.Single(await Store.ListAuditAsync(10));
        Assert.Equal(($"x{nul}y", $"said {nul} this"), (audit.Actor, audit.Details));
    }

    [Fact]
    public async Task A_failing_apply_commits_nothing()
    {
        await Apply(Changes(c => c.Tokens.Add(Token("t1", "hash-1"))));
        var alert = Alert("NotCommitted");
        // A second token with the same secret hash violates the unique index, after the alert was written.
        var failing = Changes(c => { c.Alerts.Add(alert); c.Audit.Add(new(At(0), "x", "y", "z", "")); c.Tokens.Add(Token("t2", "hash-1")); });

        await Assert.ThrowsAnyAsync<Exception>(() => Apply(failing));

        Assert.Empty(await Store.LoadAlertsAsync());
        Assert.Empty(await Store.ListAuditAsync(10));
        Assert.Equal("t1", Assert.Single(await Store.ListTokensAsync()).Id);
        // The store is still usable afterwards.
        await Apply(Changes(c => c.Alerts.Add(alert)));
        Assert.Single(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task Silences_round_trip_with_every_matcher_type_and_upsert_by_id()
    {
        var one = Silence(Guid.NewGuid());
        var two = Silence(Guid.NewGuid(), "ünïcode comment ✓");
        await Apply(Changes(c => c.Silences.AddRange([one, two])));
        var edited = one with { Comment = "extended", EndsAt = At(7200, 1), UpdatedAt = At(60) };
        await Apply(Changes(c => c.Silences.Add(edited)));

        var loaded = (await Store.LoadSilencesAsync()).ToDictionary(s => s.Id);
        Assert.Equal(2, loaded.Count);
        Same(edited, loaded[one.Id]);
        Same(two, loaded[two.Id]);
        Assert.True(loaded[one.Id].Matchers[2].Matches("node"));
    }

    [Fact]
    public async Task Silence_stored_with_a_lookahead_by_an_earlier_version_still_loads()
    {
        // Earlier versions ran matchers on the backtracking engine and took lookaheads; failing the load on one would
        // keep the server from starting.
        var silence = Silence(Guid.NewGuid()) with { Matchers = [Matcher.CreateStored("job", "(?=api)api.*", isRegex: true, isEqual: true)] };
        await Apply(Changes(c => c.Silences.Add(silence)));

        var loaded = Assert.Single(await Store.LoadSilencesAsync());
        Assert.True(loaded.Matchers[0].Matches("api-1"));
        Assert.False(loaded.Matchers[0].Matches("web-1"));
    }

    [Fact]
    public async Task Incidents_round_trip_with_optional_fields_set_and_unset()
    {
        var fps = new[] { Alert("A").Fingerprint, Alert("B").Fingerprint, new Fingerprint(0xFFFF_FFFF_FFFF_FFFF), new Fingerprint(1) };
        var triggered = Incident(1, IncidentStatus.Triggered, fps) with { Service = "checkout" };
        var acknowledged = Incident(2, IncidentStatus.Acknowledged) with { Severity = Severity.Warning, Title = "Ünïcödé 🚨", Service = "späti 🛒" };
        var resolved = Incident(3, IncidentStatus.Resolved, fps[0]) with { Severity = Severity.Info };
        await Apply(Changes(c => c.Incidents.AddRange([triggered, acknowledged, resolved])));

        Same(triggered, await Store.GetIncidentAsync(1));
        Same(acknowledged, await Store.GetIncidentAsync(2));
        Same(resolved, await Store.GetIncidentAsync(3));
        Assert.Null(await Store.GetIncidentAsync(4));
    }

    [Fact]
    public async Task Incident_members_keep_the_alert_as_it_joined_the_incident()
    {
        var a = Alert("Disk", "db-1", extra: ("pod", "Ünïcödé"));
        var b = Alert("Disk", "db-2");
        await Apply(Changes(c =>
        {
            c.IncidentMembers.Add(new(1, a));
            c.IncidentMembers.Add(new(1, b));
            c.IncidentMembers.Add(new(2, b));
        }));
        // A later copy (other annotations) of a member already stored is not taken: the first one stays.
        await Apply(Changes(c => c.IncidentMembers.Add(new(1, a with { Annotations = LabelSet.From(("summary", "changed")) }))));

        var members = (await Store.GetIncidentMembersAsync(1)).OrderBy(m => m.Labels.Get("instance")).ToList();
        Assert.Equal([a.Fingerprint, b.Fingerprint], members.Select(m => m.Fingerprint));
        Assert.Equal(a.Labels, members[0].Labels);
        Assert.Equal(a.Annotations, members[0].Annotations);
        SameTime(a.StartsAt, members[0].StartsAt);
        Assert.Equal(a.GeneratorUrl, members[0].GeneratorUrl);
        Assert.Equal([b.Fingerprint], (await Store.GetIncidentMembersAsync(2)).Select(m => m.Fingerprint));
        Assert.Empty(await Store.GetIncidentMembersAsync(3));
    }

    [Fact]
    public async Task Incident_upsert_replaces_by_id_and_max_id_tracks_the_largest()
    {
        Assert.Equal(0, await Store.GetMaxIncidentIdAsync());
        await Apply(Changes(c => c.Incidents.AddRange([Incident(7), Incident(3)])));
        var acknowledged = Incident(7, IncidentStatus.Acknowledged, Alert("X").Fingerprint) with { Priority = "P1" };
        await Apply(Changes(c => c.Incidents.Add(acknowledged)));

        Same(acknowledged, await Store.GetIncidentAsync(7));
        Assert.Equal(7, await Store.GetMaxIncidentIdAsync());
        Assert.Equal(2, (await Store.ListIncidentsAsync(new([]))).Count);
    }

    [Fact]
    public async Task Incident_listing_is_newest_first_with_status_filter_limit_and_keyset_pagination()
    {
        var statuses = new[] { IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Resolved };
        await Apply(Changes(c => c.Incidents.AddRange(Enumerable.Range(1, 30).Select(i => Incident(i, statuses[(i - 1) % 3])))));

        var all = await Store.ListIncidentsAsync(new([], Limit: 100));
        Assert.Equal(Enumerable.Range(1, 30).Reverse().Select(i => (long)i), all.Select(i => i.Id));

        var open = await Store.ListIncidentsAsync(new([IncidentStatus.Triggered, IncidentStatus.Acknowledged], Limit: 100));
        Assert.Equal(20, open.Count);
        Assert.DoesNotContain(open, i => i.Status == IncidentStatus.Resolved);
        Assert.Equal(open.OrderByDescending(i => i.Id).Select(i => i.Id), open.Select(i => i.Id));

        // Page through resolved incidents (ids 3, 6, ..., 30) four at a time.
        var pages = new List<long>();
        long? before = null;
        while (true)
        {
            var page = await Store.ListIncidentsAsync(new([IncidentStatus.Resolved], Limit: 4, BeforeId: before));
            if (page.Count == 0)
            {
                break;
            }
            Assert.True(page.Count <= 4);
            pages.AddRange(page.Select(i => i.Id));
            before = page[^1].Id;
        }
        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(i => (long)i * 3), pages);

        Assert.Equal([12L, 11L], (await Store.ListIncidentsAsync(new([], Limit: 2, BeforeId: 13))).Select(i => i.Id));
        Assert.Empty(await Store.ListIncidentsAsync(new([], Limit: 0)));
    }

    [Fact]
    public async Task Timeline_is_returned_in_append_order_with_increasing_sequences()
    {
        await Apply(Changes(c => c.Incidents.AddRange([Incident(1), Incident(2)])));
        var kinds = Enum.GetValues<TimelineKind>();
        for (var round = 0; round < 3; round++)
        {
            var r = round;
            await Apply(Changes(c =>
            {
                foreach (var kind in kinds)
                {
                    // Deliberately out of time order: the timeline is ordered by append, not by timestamp.
                    c.Timeline.Add(new(1, At(100 - r * 10 - (int)kind), kind, "actor", $"{r}:{kind}"));
                    c.Timeline.Add(new(2, At(r), TimelineKind.Note, "other", $"{r}"));
                }
            }));
        }

        var timeline = await Store.GetTimelineAsync(1);
        Assert.Equal(
            Enumerable.Range(0, 3).SelectMany(r => kinds.Select(k => $"{r}:{k}")),
            timeline.Select(t => t.Message));
        Assert.Equal(kinds.Concat(kinds).Concat(kinds), timeline.Select(t => t.Kind));
        Assert.All(timeline.Zip(timeline.Skip(1)), p => Assert.True(p.First.Sequence < p.Second.Sequence));
        Assert.All(timeline, t => Assert.True(t.Sequence > 0));
        var first = timeline[0];
        Assert.Equal(1, first.IncidentId);
        Assert.Equal("actor", first.Actor);
        SameTime(At(100), first.At);
        Assert.Equal(3 * kinds.Length, (await Store.GetTimelineAsync(2)).Count);
        Assert.Empty(await Store.GetTimelineAsync(3));
    }

    [Fact]
    public async Task Alert_groups_round_trip_upsert_and_delete()
    {
        await Apply(Changes(c =>
        {
            c.Groups.Add(new("{}:{alertname=\"A\"}", "{\"state\":1,\"ü\":\"✓\"}", At(30, 3)));
            c.Groups.Add(new("{}:{alertname=\"B\"}", "{}", null));
            c.Groups.Add(new("{}:{alertname=\"C\"}", "{}", At(1)));
        }));
        await Apply(Changes(c =>
        {
            c.Groups.Add(new("{}:{alertname=\"B\"}", "{\"state\":2}", At(60, 9)));
            c.DeletedGroups.Add("{}:{alertname=\"C\"}");
        }));

        var groups = (await Store.LoadGroupsAsync()).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(new AlertGroupRecord("{}:{alertname=\"A\"}", "{\"state\":1,\"ü\":\"✓\"}", At(30, 3)), groups[0]);
        Assert.Equal(new AlertGroupRecord("{}:{alertname=\"B\"}", "{\"state\":2}", At(60, 9)), groups[1]);
        SameTime(At(30, 3), groups[0].DueAt!.Value);
    }

    /// <summary>
    /// A group key holds senders' label values (each up to 64 KiB). As PostgreSQL's primary key it was refused over
    /// 2704 bytes (a b-tree entry's limit) and failed every dispatcher commit from then on.
    /// </summary>
    [Fact]
    public async Task Alert_groups_with_keys_longer_than_an_index_entry_round_trip_upsert_and_delete()
    {
        // Random hex is incompressible, so PostgreSQL cannot compress the entry under its limit; the two keys differ
        // only at the end, so a key cut short anywhere would merge them.
        var value = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32 * 1024));
        string Key(char last) => $"0.1:{{alertname=\"{value}{last}\", service=\"ü✓\"}}";
        await Apply(Changes(c =>
        {
            c.Groups.Add(new(Key('a'), "{\"state\":1}", At(30, 3)));
            c.Groups.Add(new(Key('b'), "{}", null));
            c.Groups.Add(new("short", "{}", null));
        }));
        await Apply(Changes(c =>
        {
            c.Groups.Add(new(Key('a'), "{\"state\":2}", At(60, 9)));
            c.DeletedGroups.Add(Key('b'));
        }));

        var groups = (await Store.LoadGroupsAsync()).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(new AlertGroupRecord(Key('a'), "{\"state\":2}", At(60, 9)), groups[0]);
        Assert.Equal("short", groups[1].Key);
    }

    [Fact]
    public async Task Tokens_round_trip_and_lookup_by_hash_finds_revoked_tokens_too()
    {
        var active = Token("tok_1", "aa11") with { Role = Role.Admin };
        var revoked = Token("tok_2", "bb22", At(50, 5)) with { Role = Role.Viewer };
        await Apply(Changes(c => c.Tokens.AddRange([active, revoked])));

        Assert.Equal(active, await Store.FindTokenByHashAsync("aa11"));
        Assert.Equal(revoked, await Store.FindTokenByHashAsync("bb22"));
        SameTime(At(50, 5), (await Store.FindTokenByHashAsync("bb22"))!.RevokedAt!.Value);
        Assert.Null(await Store.FindTokenByHashAsync("cc33"));

        var revokedNow = active with { RevokedAt = At(99) };
        await Apply(Changes(c => c.Tokens.Add(revokedNow)));
        var tokens = await Store.ListTokensAsync();
        Assert.Equal(2, tokens.Count);
        Assert.Contains(revokedNow, tokens);
        Assert.Contains(revoked, tokens);
    }

    [Fact]
    public async Task Audit_is_listed_newest_first_with_limit_and_before()
    {
        for (var batch = 0; batch < 5; batch++)
        {
            var b = batch;
            await Apply(Changes(c => c.Audit.AddRange(Enumerable.Range(0, 5).Select(i => new AuditEntry(At(b * 5 + i, i), "admin", "token.create", $"t{b * 5 + i}", "{\"role\":\"viewer\"}")))));
        }

        var all = await Store.ListAuditAsync(100);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"t{i}"), all.Select(a => a.Target));
        Assert.Equal(all.Select(a => a.Sequence).OrderDescending(), all.Select(a => a.Sequence));
        var newest = all[0];
        Assert.Equal(new AuditEntry(At(24, 4), "admin", "token.create", "t24", "{\"role\":\"viewer\"}", newest.Sequence), newest);

        var page = await Store.ListAuditAsync(3, all[4].Sequence);
        Assert.Equal(["t19", "t18", "t17"], page.Select(a => a.Target));
        Assert.Empty(await Store.ListAuditAsync(0));
    }

    [Fact]
    public async Task Meta_values_are_upserted_and_missing_keys_are_null()
    {
        Assert.Null(await Store.GetMetaAsync("demo.seeded"));
        await Apply(Changes(c => { c.Meta["demo.seeded"] = "false"; c.Meta["ключ"] = "значение"; }));
        await Apply(Changes(c => c.Meta["demo.seeded"] = "true"));

        Assert.Equal("true", await Store.GetMetaAsync("demo.seeded"));
        Assert.Equal("значение", await Store.GetMetaAsync("ключ"));
    }

    [Fact]
    public async Task Migrations_are_recorded_once_and_running_them_again_changes_nothing()
    {
        var expected = typeof(StoreFactory).Assembly.GetManifestResourceNames()
            .Count(n => n.Contains($".Migrations.{Backend}.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal));
        Assert.True(expected >= 1);
        await Apply(Changes(c => c.Alerts.Add(Alert("Survives"))));

        await Store.MigrateAsync();
        await Store.MigrateAsync();

        Assert.Equal(expected, await ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(1, await ScalarAsync("SELECT MIN(version) FROM schema_migrations"));
        Assert.Single(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task Stores_migrating_the_same_database_at_once_do_not_race()
    {
        await Store.DisposeAsync();
        _store = null;
        await DropDatabaseAsync();
        await CreateDatabaseAsync();

        var stores = Enumerable.Range(0, 4).Select(_ => OpenStore()).ToList();
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync())));
        }
        finally
        {
            foreach (var s in stores)
            {
                await s.DisposeAsync();
            }
        }
        _store = OpenStore();
        await _store.MigrateAsync();
        await Apply(Changes(c => c.Alerts.Add(Alert("AfterRace"))));
        Assert.Single(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task A_reopened_store_sees_everything_committed_before()
    {
        var alert = Alert("Persisted");
        var incident = Incident(5, IncidentStatus.Acknowledged, alert.Fingerprint);
        var silence = Silence(Guid.NewGuid());
        await Apply(Changes(c =>
        {
            c.Alerts.Add(alert);
            c.Incidents.Add(incident);
            c.Timeline.Add(new(5, At(1), TimelineKind.Created, "vigil", "created"));
            c.Silences.Add(silence);
            c.Groups.Add(new("g", "{}", At(2)));
            c.Tokens.Add(Token("t", "h"));
            c.Audit.Add(new(At(3), "a", "b", "c", "d"));
            c.Meta["m"] = "v";
        }));

        await ReopenAsync();

        Same(alert, Assert.Single(await Store.LoadAlertsAsync()));
        Same(incident, await Store.GetIncidentAsync(5));
        Assert.Equal(5, await Store.GetMaxIncidentIdAsync());
        Assert.Equal("created", Assert.Single(await Store.GetTimelineAsync(5)).Message);
        Same(silence, Assert.Single(await Store.LoadSilencesAsync()));
        Assert.Equal("g", Assert.Single(await Store.LoadGroupsAsync()).Key);
        Assert.NotNull(await Store.FindTokenByHashAsync("h"));
        Assert.Equal("c", Assert.Single(await Store.ListAuditAsync(10)).Target);
        Assert.Equal("v", await Store.GetMetaAsync("m"));
    }

    [Fact]
    public async Task A_ten_thousand_alert_batch_round_trips()
    {
        var alerts = Enumerable.Range(0, 10_000)
            .Select(i => Alert("Bulk", $"host-{i}", i % 600, ("zone", i % 2 == 0 ? "東京" : "zürich")))
            .ToList();
        await Apply(Changes(c => c.Alerts.AddRange(alerts)));

        var loaded = (await Store.LoadAlertsAsync()).ToDictionary(a => a.Fingerprint);
        Assert.Equal(alerts.Count, loaded.Count);
        foreach (var alert in alerts)
        {
            Same(alert, loaded[alert.Fingerprint]);
        }
    }

    [Fact]
    public async Task Concurrent_applies_from_many_tasks_all_land()
    {
        const int Tasks = 32;
        const int PerTask = 10;
        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerTask; i++)
            {
                var n = t * PerTask + i;
                await Store.ApplyAsync([Changes(c =>
                {
                    c.Alerts.Add(Alert("Concurrent", $"host-{n}"));
                    c.Incidents.Add(Incident(n + 1));
                    c.Timeline.Add(new(n + 1, At(n), TimelineKind.Created, "vigil", $"{n}"));
                    c.Audit.Add(new(At(n), "task", "apply", $"{n}", ""));
                })]);
            }
        })));

        const int Total = Tasks * PerTask;
        Assert.Equal(Total, (await Store.LoadAlertsAsync()).Count);
        Assert.Equal(Total, await Store.GetMaxIncidentIdAsync());
        Assert.Equal(Total, (await Store.ListAuditAsync(10_000)).Count);
        Assert.Equal(Total, (await Store.ListIncidentsAsync(new([], Limit: 10_000))).Count);
        Assert.Equal("17", Assert.Single(await Store.GetTimelineAsync(18)).Message);
    }

    [Fact]
    public async Task Thirty_thousand_alerts_insert_and_update_in_one_commit_each()
    {
        // The rate is printed for whoever reads the test output; timings are the benchmark's business (bench/), never
        // asserted here.
        const int Count = 30_000;
        var alerts = Enumerable.Range(0, Count).Select(i => Alert("Throughput", $"host-{i}", i % 600)).ToList();
        await Apply(Changes(c => c.Alerts.Add(Alert("Warmup"))));

        var watch = Stopwatch.StartNew();
        await Apply(Changes(c => c.Alerts.AddRange(alerts)));
        var insert = watch.Elapsed;
        watch.Restart();
        await Apply(Changes(c => c.Alerts.AddRange(alerts.Select(a => a with { UpdatedAt = a.UpdatedAt.AddSeconds(1) }))));
        var update = watch.Elapsed;

        output.WriteLine($"{Backend}: {Count} inserts in {insert.TotalMilliseconds:F0} ms ({Count / insert.TotalSeconds:F0}/s), "
            + $"{Count} updates in {update.TotalMilliseconds:F0} ms ({Count / update.TotalSeconds:F0}/s)");
        var loaded = (await Store.LoadAlertsAsync()).Where(a => a.Labels["alertname"] == "Throughput").ToList();
        Assert.Equal(Count, loaded.Count);
        var sent = alerts.ToDictionary(a => a.Fingerprint);
        Assert.All(loaded, a => Assert.Equal(sent[a.Fingerprint].UpdatedAt.AddSeconds(1), a.UpdatedAt));
    }
}
