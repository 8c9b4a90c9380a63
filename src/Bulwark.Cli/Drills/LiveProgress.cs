using System.Globalization;
using Bulwark.Drills.Model;
using Bulwark.Drills.Timeline;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Bulwark.Cli.Drills;

/// <summary>
/// Shows a running drill's phase, elapsed time, requests, errors and the faults on now, refreshed four times a
/// second, so a forty-second drill is not forty seconds of silence. Only on a terminal: redirected output gets the
/// final table alone.
/// </summary>
internal static class LiveProgress
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(250);

    public static async Task<DrillReport> RunAsync(IAnsiConsole console, bool live, IDrill drill, DrillRecorder recorder, TimeProvider time, Func<Task<DrillReport>> run)
    {
        if (!live)
        {
            return await run().ConfigureAwait(false);
        }

        DrillReport? report = null;
        await console.Live(Render(drill, recorder.Progress)).AutoClear(true).StartAsync(async ctx =>
        {
            var running = run();
            while (!running.IsCompleted)
            {
                ctx.UpdateTarget(Render(drill, recorder.Progress));
                ctx.Refresh();
                await Task.WhenAny(running, Task.Delay(Refresh, time)).ConfigureAwait(false);
            }

            report = await running.ConfigureAwait(false);
        }).ConfigureAwait(false);
        return report!;
    }

    /// <summary>The progress line as a one-row table.</summary>
    internal static IRenderable Render(IDrill drill, DrillProgress progress)
    {
        var c = CultureInfo.InvariantCulture;
        var errorColour = progress.Errors == 0 ? "green" : "red";
        return new Table()
            .Border(TableBorder.Rounded)
            .AddColumn("Drill").AddColumn("Phase").AddColumn(new TableColumn("Elapsed").RightAligned())
            .AddColumn(new TableColumn("Requests").RightAligned()).AddColumn(new TableColumn("Errors").RightAligned()).AddColumn("Faults on")
            .AddRow(
                Markup.Escape(drill.Title),
                Markup.Escape(progress.Phase),
                string.Create(c, $"{progress.Elapsed.TotalSeconds:0.0} s"),
                progress.Requests.ToString("N0", c),
                string.Create(c, $"[{errorColour}]{progress.Errors:N0}[/]"),
                progress.FaultsOn.Count == 0 ? "[grey]none[/]" : "[red]" + Markup.Escape(string.Join(", ", progress.FaultsOn)) + "[/]");
    }
}
