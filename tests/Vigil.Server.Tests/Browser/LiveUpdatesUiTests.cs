using System.Text.Json;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>The pages' loads under live updates, in a real headless Chromium: a load started while another runs must
/// not answer before it (an older answer would then replace a newer one on screen).</summary>
public sealed class LiveUpdatesUiTests
{
    [Fact]
    public async Task A_load_asked_for_while_one_runs_waits_for_it_and_runs_once_for_every_call_made_meanwhile()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        await chromium.Page.GotoAsync(new Uri(vigil.Address, "/").ToString());

        // The first load is held open while three more are asked for; each load records when it started and ended.
        var log = await chromium.Page.EvaluateAsync<JsonElement>("""
            async () => {
              const { oneAtATime } = await import('/live.js');
              const log = [];
              let release;
              let runs = 0;
              const load = oneAtATime(async () => {
                const run = ++runs;
                log.push(`start ${run}`);
                if (run === 1) await new Promise(r => { release = r; });
                log.push(`end ${run}`);
              });
              const first = load();
              await Promise.resolve();
              load(); load(); load();
              release();
              await first;
              return log;
            }
            """);

        Assert.Equal(["start 1", "end 1", "start 2", "end 2"], log.EnumerateArray().Select(e => e.GetString() ?? "").ToArray());
        Assert.Empty(chromium.ConsoleErrors);
    }
}
