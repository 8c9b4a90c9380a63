using Bulwark.Testing;
using Microsoft.Playwright;

namespace Bulwark.ControlRoom.Tests.Browser;

/// <summary>
/// Debian's chromium driven headless by Playwright (never a downloaded browser). Missing or unable to start: the test
/// skips with the reason on a laptop and fails in CI (<see cref="RealServers.Required"/>), like a missing real server.
/// </summary>
internal sealed class Chromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    /// <summary>The browser binary: <c>BULWARK_CHROMIUM</c>, else Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("BULWARK_CHROMIUM") ?? "/usr/bin/chromium";

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            Unavailable($"{ExecutablePath} does not exist; install it with `apt-get install -y chromium` (bash .ci/services.sh does)");
        }

        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync();
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Containers and CI runners usually lack the user namespaces chromium's sandbox needs.
                Args = ["--no-sandbox"],
                Timeout = 60_000,
            });
            return new Chromium(playwright, browser);
        }
        catch (PlaywrightException e)
        {
            playwright?.Dispose();
            Unavailable($"{ExecutablePath} did not start under Playwright: {e.Message}");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }

    private static void Unavailable(string reason)
    {
        var message = $"Chromium is required by the Control Room's browser tests but unavailable: {reason}";
        if (RealServers.Required)
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
    }
}
