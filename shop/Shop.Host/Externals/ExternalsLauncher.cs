using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Shop.Host.Externals;

/// <summary>
/// Starts the third-party stand-ins as their own process beside the shop (so the shop's calls cross a real
/// process and network boundary) and stops them with it.
/// </summary>
internal sealed partial class ExternalsLauncher(
    IOptions<ExternalsOptions> options,
    IHttpClientFactory httpClients,
    TimeProvider timeProvider,
    ILogger<ExternalsLauncher> logger) : IHostedService, IDisposable
{
    private Process? _process;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var dll = typeof(ExternalsLauncher).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ShopExternalsPath").Value!;
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The stand-ins are not built at '{dll}'. Build the solution, or set Shop:Externals:Launch=false and point Shop:Externals:*Url at running ones.", dll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add($"--payment-url={settings.PaymentProviderUrl.GetLeftPart(UriPartial.Authority)}");
        start.ArgumentList.Add($"--recommendations-url={settings.RecommendationsUrl.GetLeftPart(UriPartial.Authority)}");
        start.ArgumentList.Add($"--parent-pid={Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the stand-ins process.");
        // Their lines are already one-line JSON; pass them through so one stdout holds the whole system's logs.
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.Out.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitUntilHealthyAsync(settings, cancellationToken);
        LogLaunched(logger, _process.Id, settings.PaymentProviderUrl, settings.RecommendationsUrl);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(cancellationToken);
        }
    }

    public void Dispose() => _process?.Dispose();

    private async Task WaitUntilHealthyAsync(ExternalsOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.LaunchTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var client = httpClients.CreateClient(nameof(ExternalsLauncher));
        foreach (var baseUrl in new[] { settings.PaymentProviderUrl, settings.RecommendationsUrl })
        {
            while (true)
            {
                if (_process!.HasExited)
                {
                    throw new InvalidOperationException($"The stand-ins process exited with code {_process.ExitCode} during start-up; is port {baseUrl.Port} already taken?");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri(baseUrl, "/health/live"), linked.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"The stand-in at {baseUrl} did not become healthy within {settings.LaunchTimeout}.");
                }

                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, linked.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    throw new TimeoutException($"The stand-in at {baseUrl} did not become healthy within {settings.LaunchTimeout}.");
                }
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Launched the stand-ins (pid {Pid}): payment provider {PaymentUrl}, recommendations {RecommendationsUrl}")]
    private static partial void LogLaunched(ILogger logger, int pid, Uri paymentUrl, Uri recommendationsUrl);
}
