using System.Net;
using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>
/// The UI may not be framed by another site (it acts with the token kept in localStorage, so a framing page could make
/// a signed-in user click Resolve or Revoke), and runs under a Content-Security-Policy with no inline script or style:
/// every page of the demo is visited in a real Chromium and must cause no CSP violation. (Found by review: no
/// X-Frame-Options, no CSP.)
/// </summary>
public sealed class UiSecurityTests
{
    [Fact]
    public async Task The_ui_cannot_be_framed_and_runs_every_page_under_its_content_security_policy()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true);
        foreach (var path in new[] { "/", "/app.js", "/pages/incidents.js" })
        {
            using var response = await vigil.NewClient(null).GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Vigil.Server.Ui.UiEndpoints.ContentSecurityPolicy, string.Join("; ", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
        }

        await using var chromium = await HeadlessChromium.OpenAsync();
        var page = chromium.Page;
        await page.AddInitScriptAsync("window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)));");
        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
        await Assertions.Expect(page.GetByTestId("demo-badge")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("incident-row").First).ToBeVisibleAsync();
        foreach (var route in new[] { "#/alerts", "#/silences", "#/logs", "#/metrics", "#/slos", "#/oncall", "#/inbox", "#/incidents" })
        {
            await page.GotoAsync(new Uri(vigil.Address, "/" + route).ToString());
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        await page.GetByTestId("incident-row").First.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.GotoAsync(new Uri(vigil.Address, "/#/slos").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var violations = await page.EvaluateAsync<string[]>("window.__cspViolations");
        Assert.True(violations.Length == 0, "CSP violations: " + string.Join(" | ", violations));
        Assert.DoesNotContain(chromium.ConsoleErrors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));

        // A page of another origin cannot show the UI in a frame.
        var framed = chromium.Page;
        await framed.GotoAsync("about:blank");
        await framed.SetContentAsync($"<iframe id=f src=\"{vigil.Address}\"></iframe>");
        await framed.WaitForTimeoutAsync(1000);
        var child = framed.Frames.Single(f => f != framed.MainFrame);
        Assert.Null(await child.QuerySelectorAsync("#main"));
    }
}
