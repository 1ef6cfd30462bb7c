using Vigil.Core.Store;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>The log-intelligence tables: templates, per-minute counts and sources.</summary>
public abstract partial class StoreContract
{
    private static LogTemplateRecord Template(string source, long id, long count, int firstSeconds, int lastSeconds, string level = "info") => new(
        source, id, $"Receiving block <*> number {id}", ["Receiving", "block", "<*>", "number", $"{id}"], [false, false, false, false, false],
        level, "hdfs-svc", count, At(firstSeconds, 3), At(lastSeconds, 5), ["Receiving block blk_1 number " + id, "zweite Zeile ünïcödé"]);

    [Fact]
    public async Task Log_templates_sources_and_counts_round_trip()
    {
        await Apply(Changes(c =>
        {
            c.LogTemplates.Add(Template("hdfs", 1, 10, 0, 5, "error"));
            c.LogTemplates.Add(Template("hdfs", 2, 3, 1, 2));
            c.LogSources.Add(new LogSourceRecord("hdfs", 3, new Dictionary<long, long> { [7] = 1 }, 13, At(5)));
            c.LogCounts.Add(new LogMinuteCount("hdfs", 1, 1000, 4));
            c.LogCounts.Add(new LogMinuteCount("hdfs", 1, 1000, 6));
            c.LogCounts.Add(new LogMinuteCount("hdfs", 2, 1001, 3));
        }));

        var source = Assert.Single(await Store.ListLogSourcesAsync());
        Assert.Equal(("hdfs", 3L, 13L, 2), (source.Source, source.NextId, source.Lines, source.Templates));
        Assert.Equal(1, source.Aliases[7]);
        var stored = await Store.GetLogTemplateAsync("hdfs", 1);
        Assert.NotNull(stored);
        var expected = Template("hdfs", 1, 10, 0, 5, "error");
        Assert.Equal(expected.Tokens, stored.Tokens);
        Assert.Equal(expected.VariableSlots, stored.VariableSlots);
        Assert.Equal(expected.Examples, stored.Examples);
        Assert.Equal((expected.Template, expected.Level, expected.Service, expected.Count), (stored.Template, stored.Level, stored.Service, stored.Count));
        Assert.Equal(expected.FirstSeen, stored.FirstSeen);
        Assert.Equal(expected.LastSeen, stored.LastSeen);
        Assert.Null(await Store.GetLogTemplateAsync("hdfs", 99));
        Assert.Null(await Store.GetLogTemplateAsync("other", 1));

        var counts = await Store.ListLogCountsAsync("hdfs", 1000);
        Assert.Equal([(1L, 1000L, 10L), (2L, 1001L, 3L)], counts.Select(c => (c.TemplateId, c.Minute, c.Count)));
        Assert.Single(await Store.ListLogCountsAsync("hdfs", 1001));
        Assert.Single(await Store.ListLogCountsAsync("hdfs", 0, templateId: 2));
    }

    [Fact]
    public async Task Merged_templates_move_their_counts_onto_the_survivor()
    {
        await Apply(Changes(c =>
        {
            c.LogCounts.Add(new LogMinuteCount("app", 1, 10, 5));
            c.LogCounts.Add(new LogMinuteCount("app", 1, 11, 1));
            c.LogCounts.Add(new LogMinuteCount("app", 2, 11, 2));
            c.LogCounts.Add(new LogMinuteCount("app", 2, 12, 3));
            c.LogCounts.Add(new LogMinuteCount("app", 3, 12, 4));
            c.LogCounts.Add(new LogMinuteCount("other", 2, 11, 9));
        }));
        // One commit of several change sets (as group commit makes them): lines counted under 3 just before 3 merged
        // into 2, which then merged into 1.
        await Apply(
            Changes(c => c.LogCounts.Add(new LogMinuteCount("app", 3, 13, 6))),
            Changes(c => c.MergedLogTemplates.Add(new LogTemplateMerge("app", 3, 2))),
            Changes(c =>
            {
                c.MergedLogTemplates.Add(new LogTemplateMerge("app", 2, 1));
                c.LogCounts.Add(new LogMinuteCount("app", 1, 13, 1));
            }));

        var counts = await Store.ListLogCountsAsync("app", 0);
        Assert.Equal([(1L, 10L, 5L), (1L, 11L, 3L), (1L, 12L, 7L), (1L, 13L, 7L)],
            counts.OrderBy(c => c.Minute).Select(c => (c.TemplateId, c.Minute, c.Count)));
        // Another source's template with the same id is not touched.
        Assert.Equal(9, Assert.Single(await Store.ListLogCountsAsync("other", 0)).Count);
    }

    [Fact]
    public async Task Log_counts_add_up_and_template_totals_never_move_back()
    {
        await Apply(Changes(c =>
        {
            c.LogTemplates.Add(Template("app", 1, 50, 0, 100));
            c.LogCounts.Add(new LogMinuteCount("app", 1, 5, 2));
            c.LogSources.Add(new LogSourceRecord("app", 10, new Dictionary<long, long>(), 50, At(100)));
        }));
        // A commit that finished later but was prepared earlier carries smaller totals: they must not win.
        await Apply(Changes(c =>
        {
            c.LogTemplates.Add(Template("app", 1, 40, 10, 90));
            c.LogCounts.Add(new LogMinuteCount("app", 1, 5, 3));
            c.LogSources.Add(new LogSourceRecord("app", 8, new Dictionary<long, long>(), 40, At(90)));
        }));

        var t = (await Store.GetLogTemplateAsync("app", 1))!;
        Assert.Equal(50, t.Count);
        Assert.Equal(At(0, 3), t.FirstSeen);
        Assert.Equal(At(100, 5), t.LastSeen);
        Assert.Equal(5, Assert.Single(await Store.ListLogCountsAsync("app", 0)).Count);
        var source = Assert.Single(await Store.ListLogSourcesAsync());
        Assert.Equal((10L, 50L), (source.NextId, source.Lines));
    }

    [Fact]
    public async Task Log_templates_list_in_each_order_with_limit_and_can_be_deleted()
    {
        await Apply(Changes(c =>
        {
            c.LogTemplates.Add(Template("s", 1, 100, 0, 10));
            c.LogTemplates.Add(Template("s", 2, 1, 20, 20));
            c.LogTemplates.Add(Template("s", 3, 7, 10, 30));
            c.LogTemplates.Add(Template("other", 4, 1000, 50, 50));
        }));

        async Task<long[]> Ids(LogTemplateOrder order, int limit = 10) =>
            [.. (await Store.ListLogTemplatesAsync("s", order, limit)).Select(t => t.Id)];
        Assert.Equal(new long[] { 1, 2, 3 }, await Ids(LogTemplateOrder.Id));
        Assert.Equal(new long[] { 2, 3, 1 }, await Ids(LogTemplateOrder.Newest));
        Assert.Equal(new long[] { 2, 3, 1 }, await Ids(LogTemplateOrder.Rarest));
        Assert.Equal(new long[] { 1, 3, 2 }, await Ids(LogTemplateOrder.Count));
        Assert.Equal(new long[] { 1, 3 }, await Ids(LogTemplateOrder.Count, 2));
        Assert.Empty(await Ids(LogTemplateOrder.Count, 0));

        await Apply(Changes(c => c.DeletedLogTemplates.Add(new LogTemplateKey("s", 1))));
        Assert.Equal(new long[] { 2, 3 }, await Ids(LogTemplateOrder.Id));
        Assert.NotNull(await Store.GetLogTemplateAsync("other", 4));
    }
}

public abstract partial class StoreContract
{
    [Fact]
    public async Task Log_counts_older_than_the_retention_cutoff_are_pruned_before_new_increments()
    {
        await Apply(Changes(c =>
        {
            c.LogCounts.Add(new LogMinuteCount("a", 1, 100, 1));
            c.LogCounts.Add(new LogMinuteCount("a", 1, 200, 2));
            c.LogCounts.Add(new LogMinuteCount("b", 1, 150, 3));
        }));
        await Apply(Changes(c =>
        {
            c.PruneLogCountsBeforeMinute = 180;
            c.LogCounts.Add(new LogMinuteCount("a", 1, 300, 4));
        }));

        Assert.Equal([(200L, 2L), (300L, 4L)], (await Store.ListLogCountsAsync("a", 0)).Select(c => (c.Minute, c.Count)));
        Assert.Empty(await Store.ListLogCountsAsync("b", 0));
    }
}

public abstract partial class StoreContract
{
    [Fact]
    public async Task A_deleted_log_source_loses_its_row_templates_and_counts_and_can_start_afresh()
    {
        await Apply(Changes(c =>
        {
            foreach (var source in new[] { "gone", "kept" })
            {
                c.LogTemplates.Add(Template(source, 1, 10, 0, 5));
                c.LogTemplates.Add(Template(source, 2, 3, 1, 2));
                c.LogCounts.Add(new LogMinuteCount(source, 1, 100, 10));
                c.LogCounts.Add(new LogMinuteCount(source, 2, 101, 3));
                c.LogSources.Add(new LogSourceRecord(source, 3, new Dictionary<long, long> { [5] = 1 }, 13, At(5)));
            }
        }));
        await Apply(Changes(c => c.DeletedLogSources.Add("gone")));

        Assert.Equal(["kept"], (await Store.ListLogSourcesAsync()).Select(s => s.Source));
        Assert.Empty(await Store.ListLogTemplatesAsync("gone", LogTemplateOrder.Id, 10));
        Assert.Empty(await Store.ListLogCountsAsync("gone", 0));
        Assert.Equal(2, (await Store.ListLogTemplatesAsync("kept", LogTemplateOrder.Id, 10)).Count);
        Assert.Equal(2, (await Store.ListLogCountsAsync("kept", 0)).Count);

        // One commit of several sets (group commit): lines stored just before the deletion go with it, and a source of
        // the same name that sends afterwards starts with nothing of the old one (not its id counter, not its lines).
        await Apply(
            Changes(c =>
            {
                c.LogTemplates.Add(Template("kept", 7, 1, 9, 9));
                c.LogCounts.Add(new LogMinuteCount("kept", 7, 102, 1));
                c.LogSources.Add(new LogSourceRecord("kept", 8, new Dictionary<long, long>(), 14, At(9)));
            }),
            Changes(c => c.DeletedLogSources.Add("kept")),
            Changes(c =>
            {
                c.LogTemplates.Add(Template("kept", 1, 1, 20, 20));
                c.LogCounts.Add(new LogMinuteCount("kept", 1, 103, 1));
                c.LogSources.Add(new LogSourceRecord("kept", 2, new Dictionary<long, long>(), 1, At(20)));
            }));

        var fresh = Assert.Single(await Store.ListLogSourcesAsync());
        Assert.Equal(("kept", 2L, 1L, 1), (fresh.Source, fresh.NextId, fresh.Lines, fresh.Templates));
        Assert.Empty(fresh.Aliases);
        Assert.Equal([(1L, 1L)], (await Store.ListLogTemplatesAsync("kept", LogTemplateOrder.Id, 10)).Select(t => (t.Id, t.Count)));
        Assert.Equal([(1L, 103L, 1L)], (await Store.ListLogCountsAsync("kept", 0)).Select(c => (c.TemplateId, c.Minute, c.Count)));
    }
}
