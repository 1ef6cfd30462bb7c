using Microsoft.Playwright;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// A page in Debian's headless Chromium (never Playwright's browser download), with console errors collected so a
/// test can assert the UI ran cleanly.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("VIGIL_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>
    /// How long a page action or an <c>Expect</c> assertion waits. Playwright's own default for assertions is 5 s, which
    /// a loaded 2-core machine running the whole suite (server, Chromium and the other test classes at once) exceeded
    /// once for a timeline entry that appears after a POST and a reload; the same wait as page actions.
    /// </summary>
    private const float WaitMilliseconds = 30_000;

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                ConsoleErrors.Add(message.Text);
            }
        };
        page.SetDefaultTimeout(WaitMilliseconds);
    }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    /// <summary>Opens a page; with <paramref name="token"/> the UI starts signed in (the token it keeps in localStorage).</summary>
    public static async Task<HeadlessChromium> OpenAsync(string? token = null)
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium not found at {ChromiumPath}; ./test.sh installs the Debian 'chromium' package.");
        Assertions.SetDefaultExpectTimeout(WaitMilliseconds);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
        var page = await browser.NewPageAsync();
        if (token is not null)
        {
            await page.AddInitScriptAsync($"localStorage.setItem('vigil.token', '{token}')");
        }
        return new HeadlessChromium(playwright, browser, page);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
