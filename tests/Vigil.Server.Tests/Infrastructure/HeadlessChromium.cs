using Microsoft.Playwright;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// A page in Debian's headless Chromium (never Playwright's browser download), with console errors collected so a
/// test can assert the UI ran cleanly.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("VIGIL_TEST_CHROMIUM") ?? "/usr/bin/chromium";

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
        page.SetDefaultTimeout(30_000);
    }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    /// <summary>Opens a page; with <paramref name="token"/> the UI starts signed in (the token it keeps in localStorage).</summary>
    public static async Task<HeadlessChromium> OpenAsync(string? token = null)
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium not found at {ChromiumPath}; ./test.sh installs the Debian 'chromium' package.");
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
