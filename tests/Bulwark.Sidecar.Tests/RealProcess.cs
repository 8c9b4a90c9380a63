using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Bulwark.Sidecar.Tests;

/// <summary>A server started as its own process, its output captured line by line, its address read from its ready line.</summary>
internal sealed partial class RealProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private bool _disposed;

    private RealProcess(Process process) => _process = process;

    public Uri Url { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output => string.Join('\n', _lines);

    /// <summary>
    /// Starts <paramref name="fileName"/> and waits, up to <paramref name="readyWithin"/> (30 s when null), for a line
    /// containing <paramref name="readyText"/> and a loopback URL.
    /// </summary>
    public static async Task<RealProcess> StartAsync(string fileName, IEnumerable<string> arguments, string readyText, TimeSpan? readyWithin = null)
    {
        var process = Start(fileName, arguments);
        var started = new RealProcess(process);
        started.Capture();
        try
        {
            var ready = await started.WaitForLineAsync(l => l.Contains(readyText, StringComparison.Ordinal), readyWithin ?? TimeSpan.FromSeconds(30));
            var url = LoopbackUrl().Match(ready);
            Assert.True(url.Success, $"The ready line names no address: {ready}");
            started.Url = new Uri(url.Value);
            started.Client = new HttpClient { BaseAddress = started.Url, Timeout = TimeSpan.FromSeconds(30) };
            return started;
        }
        catch
        {
            // A process that never became ready would otherwise outlive the test run.
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a process expected to stop by itself (a refused configuration) and waits for it, bounded.</summary>
    public static async Task<RealProcess> RunToExitAsync(string fileName, IEnumerable<string> arguments)
    {
        var started = new RealProcess(Start(fileName, arguments));
        started.Capture();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await started._process.WaitForExitAsync(timeout.Token);
        // The exit can overtake the last asynchronous output events.
        started._process.WaitForExit();
        return started;
    }

    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"No matching line (exited: {_process.HasExited}). Output:\n{string.Join('\n', _lines.TakeLast(40))}");
        return string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        // A test may stop a process early (the upstream going away); its rig disposes it again at the end.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private static Process Start(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Python buffers stdout when it is not a terminal; the ready line must arrive now.
        start.Environment["PYTHONUNBUFFERED"] = "1";
        return Process.Start(start)!;
    }

    private void Capture()
    {
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _lines.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:[0-9]+")]
    private static partial Regex LoopbackUrl();
}
