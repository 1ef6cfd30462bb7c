using Microsoft.Extensions.Time.Testing;
using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

public sealed class LogMinerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private LogMiner NewMiner(MinerOptions? options = null) => new(options, _time);

    [Fact]
    public void Messages_differing_in_variables_share_a_template()
    {
        var miner = NewMiner();
        var first = miner.Add("Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010");
        var second = miner.Add("Receiving block blk_7503483334202473044 src: /10.251.215.16:55695 dest: /10.251.215.16:50010");
        Assert.True(first.IsNew);
        Assert.False(second.IsNew);
        Assert.Equal(first.TemplateId, second.TemplateId);
        Assert.Equal("Receiving block <*> src: <*> dest: <*>", second.Template);
        Assert.Equal(2, miner.Templates()[0].Count);
    }

    [Fact]
    public void Different_events_get_different_templates()
    {
        var miner = NewMiner();
        var a = miner.Add("PacketResponder 1 for block blk_1 terminating");
        var b = miner.Add("Verification succeeded for blk_2");
        Assert.NotEqual(a.TemplateId, b.TemplateId);
    }

    [Fact]
    public void A_word_becomes_a_variable_once_enough_distinct_values_appear()
    {
        var miner = NewMiner();
        var admin = miner.Add("Invalid user admin from 1.2.3.4");
        var test = miner.Add("Invalid user test from 1.2.3.5");
        Assert.NotEqual(admin.TemplateId, test.TemplateId); // two values could still be a closed set
        var oracle = miner.Add("Invalid user oracle from 1.2.3.6");
        Assert.Equal("Invalid user <*> from <*>", oracle.Template);
        Assert.Equal(miner.Resolve(admin.TemplateId), oracle.TemplateId);
        Assert.Equal(miner.Resolve(test.TemplateId), oracle.TemplateId);
        Assert.Equal(oracle.TemplateId, miner.Match("Invalid user guest from 9.9.9.9")!.Value.TemplateId);
        Assert.Equal(1, miner.TemplateCount);
    }

    [Fact]
    public void Templates_differing_in_two_words_stay_apart()
    {
        var miner = NewMiner();
        string[] transitions = ["NEW to UNASSIGNED", "UNASSIGNED to ASSIGNED", "ASSIGNED to RUNNING", "RUNNING to SUCCEEDED"];
        var ids = transitions.Select(t => miner.Add($"attempt_1445144423722_0020_m_000000_0 TaskAttempt Transitioned from {t}").TemplateId).ToList();
        Assert.Equal(4, ids.Distinct().Count());
    }

    [Fact]
    public void The_first_word_needs_variable_evidence_to_merge()
    {
        var miner = NewMiner();
        foreach (var service in new[] { "cupsd", "syslogd", "klogd", "portmap" })
        {
            miner.Add($"{service} startup succeeded");
        }
        Assert.Equal(4, miner.TemplateCount);
    }

    [Fact]
    public void A_word_glued_to_a_number_is_one_variable()
    {
        var miner = NewMiner();
        miner.Add("Task attempt_1445144423722_0020_m_000003_0 done");
        var result = miner.Add("Task attempt_1445144423722_0020_r_000001_1 done");
        Assert.Equal("Task <*> done", result.Template);
    }

    [Fact]
    public void Shared_prefixes_of_a_merged_word_are_kept()
    {
        var miner = NewMiner();
        miner.Add("Server environment:java.version=1.8 ready");
        miner.Add("Server environment:os.name=Linux ready");
        var merged = miner.Add("Server environment:user.home=/root ready");
        Assert.Equal("Server environment:<*> ready", merged.Template);
    }

    [Fact]
    public void Empty_and_whitespace_content_is_a_template_of_its_own()
    {
        var miner = NewMiner();
        Assert.Equal("", miner.Add("").Template);
        Assert.Equal(miner.Add("").TemplateId, miner.Add("   ").TemplateId);
    }

    [Fact]
    public void Very_long_lines_are_folded_into_a_bounded_number_of_tokens()
    {
        var miner = NewMiner(new MinerOptions { MaxTokens = 8 });
        var longLine = string.Join(' ', Enumerable.Range(0, 10_000).Select(i => "word" + (char)('a' + (i % 26))));
        var result = miner.Add(longLine);
        Assert.Equal(8, miner.Templates()[0].Tokens.Count);
        Assert.Equal(result.TemplateId, miner.Add(longLine).TemplateId);
    }

    [Fact]
    public void The_template_cap_evicts_the_least_recently_seen()
    {
        var miner = NewMiner(new MinerOptions { MaxTemplates = 50 });
        var keep = miner.Add("heartbeat from node").TemplateId;
        for (var i = 0; i < 1_000; i++)
        {
            miner.Add($"job {Word(i)} {Word(i * 7 + 3)} finished");
            if (i % 10 == 0)
            {
                miner.Add("heartbeat from node");
            }
        }
        Assert.True(miner.TemplateCount <= 50, $"{miner.TemplateCount} templates");
        Assert.True(miner.EvictedCount > 900);
        Assert.Equal(keep, miner.Resolve(keep)); // seen recently, so kept
    }

    [Fact]
    public void Export_and_import_keep_ids_counts_and_matches()
    {
        var miner = NewMiner();
        miner.Add("Invalid user admin from 1.2.3.4");
        miner.Add("Invalid user test from 1.2.3.5");
        var merged = miner.Add("Invalid user oracle from 1.2.3.6");
        var other = miner.Add("Server environment:java.version=1.8 ready");
        miner.Add("Server environment:os.name=Linux ready");
        miner.Add("Server environment:user.home=/root ready");
        var snapshot = miner.Export();

        var restored = LogMiner.Import(snapshot, time: _time);
        Assert.Equal(miner.Templates(), restored.Templates(), new TemplateComparer());
        Assert.Equal(merged.TemplateId, restored.Match("Invalid user nobody from 5.5.5.5")!.Value.TemplateId);
        Assert.Equal(miner.Resolve(other.TemplateId), restored.Match("Server environment:os.arch=amd64 ready")!.Value.TemplateId);
        Assert.Equal(miner.Resolve(1), restored.Resolve(1)); // aliases of merged ids survive
        var fresh = restored.Add("a brand new message");
        Assert.True(fresh.IsNew);
        Assert.True(fresh.TemplateId >= snapshot.NextId, "ids are never reused");
    }

    [Fact]
    public void Concurrent_writers_on_one_miner_lose_no_counts()
    {
        var miner = NewMiner();
        Parallel.For(0, 8, worker =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                miner.Add($"worker {worker} step {i} took {i % 97}ms");
                miner.Add($"Invalid user {Word(i)} from 10.0.{worker}.{i % 250}");
            }
        });
        var templates = miner.Templates();
        Assert.Equal(80_000, templates.Sum(t => t.Count));
        Assert.Contains(templates, t => t.Template == "worker <*> step <*> took <*>");
        Assert.Contains(templates, t => t.Template == "Invalid user <*> from <*>");
    }

    [Fact]
    public void Sources_mine_independently_in_a_registry()
    {
        var registry = new LogMinerRegistry();
        Parallel.ForEach(new[] { "api", "db", "queue" }, source =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                registry.For(source).Add($"{source} request {i} done in {i % 13}ms");
            }
        });
        Assert.Equal(3, registry.Sources.Count);
        Assert.All(registry.Sources, s => Assert.Equal(1_000, registry.For(s).Templates().Single().Count));
    }

    [Theory]
    [InlineData("updateClipping isOverlap:false, Translation=-24.0", "updateClipping isOverlap:<*>, Translation=<*>")]
    [InlineData("interceptKeyTq down TRUE canceled false", "interceptKeyTq down <*> canceled <*>")]
    [InlineData("setting trueType fonts to untrue", "setting trueType fonts to untrue")]
    [InlineData("offset (-5) and range a-7", "offset (<*>) and range a-<*>")]
    public void Flags_and_signs_belong_to_their_values(string line, string template) =>
        Assert.Equal(template, NewMiner().Add(line).Template);

    [Fact]
    public void A_uuid_cut_up_by_a_source_mask_is_still_one_value()
    {
        // OpenStack in LogPAI's settings masks \d+ before the built-in UUID mask can see the UUID whole.
        var miner = NewMiner(new MinerOptions { MaskPatterns = [@"\d+"] });
        var a = miner.Add("[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Resumed");
        var b = miner.Add("Creating event network-vif-plugged:e3871ffd-5cd5-4287-bddd-3529f7b59515 for instance x");
        Assert.Equal("[instance: <*>] VM Resumed", a.Template);
        Assert.Equal("Creating event network-vif-plugged:<*> for instance x", b.Template);
        Assert.Equal("on <*>-<*>-<*> at noon", miner.Add("on 2017-07-08 at noon").Template); // a date has three parts
    }

    [Fact]
    public void Names_of_an_enumeration_need_more_values_than_data_to_merge()
    {
        var miner = NewMiner();
        string[] verbs = ["GET", "POST", "DELETE"];
        var ids = verbs.Select(v => miner.Add($"request \"{v} /servers\" status 200").TemplateId).Distinct().Count();
        Assert.Equal(3, ids); // three capitalised words are still a closed set (HTTP verbs, VM states)
        miner.Add("request \"PUT /servers\" status 200");
        var merged = miner.Add("request \"PATCH /servers\" status 200");
        Assert.Equal("request \"<*> <*>\" status <*>", merged.Template);
        Assert.Single(miner.Templates());
    }

    [Theory]
    [InlineData("Lustre mount FAILED : bglio78 : block_id", "Lustre mount FAILED : bglio617 : block_id", true)]
    [InlineData("Node card U01 do not match", "Node card U11 do not match", true)]
    [InlineData("disk full on sda1", "disk full on sdb1", true)]
    [InlineData("AirPort: Link Up on awdl0", "AirPort: Link Up on en0", false)]
    [InlineData("open through proxy x SOCKS5", "open through proxy x HTTPS", false)]
    [InlineData("MDNS: IPV4 Addr: 10.0.0.1", "MDNS: IPV6 Addr: fe80::1", false)]
    public void Two_words_merge_when_they_differ_only_in_their_numbering(string first, string second, bool merge)
    {
        var miner = NewMiner();
        var a = miner.Add(first);
        var b = miner.Add(second);
        Assert.Equal(merge, a.TemplateId == b.TemplateId);
    }

    [Fact]
    public void A_value_restated_in_parentheses_does_not_split_a_template()
    {
        // Proxifier prints "(1.16 KB)" only for a non-zero count; the four shapes arrive in the order that once left
        // two templates, each covering half of them.
        var miner = NewMiner(new MinerOptions { MaskPatterns = ["[KGTM]B"] });
        string[] lines =
        [
            "a.example.com:80 close, 0 bytes sent, 0 bytes received, lifetime 00:00:03",
            "b.example.com:80 close, 1190 bytes (1.16 KB) sent, 2048 bytes (2.00 KB) received, lifetime 00:00:11",
            "c.example.com:80 close, 1190 bytes (1.16 KB) sent, 0 bytes received, lifetime 00:00:01",
            "d.example.com:80 close, 0 bytes sent, 3000 bytes (2.93 KB) received, lifetime 00:00:02",
            "e.example.com:80 close, 512 bytes sent, 4096 bytes (4.00 KB) received, lifetime 00:00:07",
        ];
        var ids = lines.Select(l => miner.Add(l).TemplateId).ToArray();
        Assert.Single(miner.Templates());
        Assert.Equal("<*> close, <*> <*> sent, <*> <*> received, lifetime <*>", miner.Templates()[0].Template);
        Assert.Equal(["b.example.com:80", "1190", "bytes (1.16 KB)", "2048", "bytes (2.00 KB)", "00:00:11"],
            TemplateParameters.Extract(miner.Templates()[0].Template, lines[1]));
        // One value in parentheses stays a word of its own: the empty and the named forms are siblings.
        var connections = NewMiner();
        string[] names = ["()", "(10.0.0.9)", "(alpha)", "(beta)", "(gamma)"];
        var results = names.Select(n => connections.Add($"connection from 10.0.0.1 {n} at noon")).ToArray();
        Assert.Single(connections.Templates());
        Assert.Equal("connection from <*> (<*>) at noon", results[^1].Template);
    }

    [Fact]
    public void A_placeholder_made_of_symbols_is_not_a_value()
    {
        var miner = NewMiner();
        var numbers = miner.Add("Fan speeds ( 3552 3534 3375 4245 3515 3479 )");
        var missing = miner.Add("Fan speeds ( 3552 3534 3375 **** 3515 3479 )");
        Assert.NotEqual(numbers.TemplateId, missing.TemplateId);
        Assert.Equal("Fan speeds ( <*> <*> <*> **** <*> <*> )", missing.Template);
        var ratios = NewMiner();
        string[] values = ["3/4", "n/a", "x/y"];
        var merged = values.Select(v => ratios.Add($"load ratio {v} now")).ToArray()[^1];
        Assert.Equal("load ratio <*> now", merged.Template); // a masked value is not a placeholder
    }

    [Fact]
    public void First_and_last_seen_come_from_the_time_provider()
    {
        var miner = NewMiner();
        var start = _time.GetUtcNow();
        miner.Add("disk full on sda1");
        _time.Advance(TimeSpan.FromMinutes(5));
        miner.Add("disk full on sdb1");
        var template = miner.Templates().Single();
        Assert.Equal(start, template.FirstSeen);
        Assert.Equal(start.AddMinutes(5), template.LastSeen);
    }

    [Fact]
    public void A_time_given_by_the_caller_is_used_instead_of_the_clock()
    {
        var miner = NewMiner();
        var seen = new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);
        miner.Add("disk full on sda1", seen);
        miner.Add("disk full on sdb1", seen.AddSeconds(30));
        var template = miner.Templates().Single();
        Assert.Equal(seen, template.FirstSeen);
        Assert.Equal(seen.AddSeconds(30), template.LastSeen);
    }

    [Fact]
    public void Match_after_mining_finds_the_same_template_on_the_fast_path_and_off_it()
    {
        var miner = NewMiner();
        var added = miner.Add("Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010");
        // Same shape (skeleton-cache hit) and a fresh miner's lookup without the cache (index path).
        Assert.Equal(added.TemplateId, miner.Match("Receiving block blk_-42 src: /10.0.0.1:1 dest: /10.0.0.2:2")?.TemplateId);
        var fresh = LogMiner.Import(miner.Export(), null, _time);
        Assert.Equal(added.TemplateId, fresh.Match("Receiving block blk_-42 src: /10.0.0.1:1 dest: /10.0.0.2:2")?.TemplateId);
        Assert.Null(fresh.Match("Receiving block blk_-42 from: /10.0.0.1:1 dest: /10.0.0.2:2"));
    }

    private static string Word(int seed)
    {
        var chars = new char[6];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + ((seed * 31 + i * 17 + (seed >> i)) % 26));
        }
        return new string(chars);
    }

    private sealed class TemplateComparer : IEqualityComparer<LogTemplate>
    {
        public bool Equals(LogTemplate? x, LogTemplate? y) =>
            x is not null && y is not null && x.Id == y.Id && x.Template == y.Template && x.Count == y.Count
            && x.Tokens.SequenceEqual(y.Tokens) && x.VariableSlots.SequenceEqual(y.VariableSlots)
            && x.FirstSeen == y.FirstSeen && x.LastSeen == y.LastSeen;

        public int GetHashCode(LogTemplate obj) => obj.Id.GetHashCode();
    }
}
