using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Shop.Host.Tests.Api;

/// <summary>
/// The API reference page (Scalar, /scalar) renders in a real headless Chromium with every request answered by the shop
/// itself: its script and styles come from the package, so the page works on a machine with no way out (issue 16).
/// </summary>
public sealed class ReferencePageTests
{
    // Debian's chromium package; CI installs it (.ci/services.sh). Playwright drives it instead of downloading its own.
    private const string ChromiumPath = "/usr/bin/chromium";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReferencePage_InHeadlessChromium_RendersTheShopsOperationsWithNoRequestLeavingTheMachine()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: apt-get install -y chromium");
        await using var shop = await OpenApiDocumentTests.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync();
        var offMachine = new ConcurrentQueue<string>();
        var served = new ConcurrentQueue<string>();
        // Every request the page makes is seen here; one to anywhere but this machine is recorded and never sent.
        await page.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" or "ws" or "wss" && !url.IsLoopback)
            {
                offMachine.Enqueue(route.Request.Url);
                await route.AbortAsync();
                return;
            }

            served.Enqueue(route.Request.Url);
            await route.ContinueAsync();
        });

        await page.GotoAsync(new Uri(shop.Client.BaseAddress!, "/scalar/v1").ToString());
        await page.GetByText("Bulwark reference shop").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "shop-api-reference.png"), FullPage = false });
        // The sidebar lists the modules' tags; opening one shows its operations' summaries from the document.
        await page.GetByText("Catalog").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        await page.GetByText("Reviews", new() { Exact = true }).First.ClickAsync();
        await page.GetByText("Get reviews").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

        Assert.Empty(offMachine);
        Assert.Contains(served, u => u.EndsWith("/openapi/v1.json", StringComparison.Ordinal));
        _ = Ct;
    }
}
