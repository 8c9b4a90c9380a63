using System.Globalization;
using Bulwark.ControlRoom.Edge;
using Bulwark.ControlRoom.Rendering;
using Microsoft.AspNetCore.Http;

namespace Bulwark.ControlRoom.Panels;

/// <summary>
/// The edge's release (Codex 23 and 24): the live slot, each slot's traffic, the canary's step and weight, the analysis
/// decisions with their figures, and the canary commands (next step, promote, roll back, analyse now), read from and sent
/// to the edge's operator API.
/// </summary>
internal sealed class EdgePanel(EdgeRelease edge) : IControlRoomPanel
{
    public string Id => "edge";

    public string Title => "Edge release";

    public async Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        if (edge.Edge is null)
        {
            html.Paragraph("No edge is configured. Set Bulwark:ControlRoom:Edge:Url (e.g. http://127.0.0.1:5080, a running shop/Shop.Edge) and Bulwark:ControlRoom:Edge:ApiKey (one of the edge's Edge:Operator:ApiKeys) to see its slots and canary and to promote or roll back here.", "muted");
            return;
        }

        var reading = await edge.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (reading.Problem is { } problem)
        {
            html.Paragraph("The edge is " + problem + ". Its release state is unknown, not absent.", "bad");
            return;
        }

        if (reading.State is not { } state)
        {
            html.Paragraph($"The edge at {edge.Edge} has no release slots (Edge:Release:Slots).", "muted");
            return;
        }

        Summary(html, state, reading);
        Slots(html, state, reading);
        if (state.Canary is { } canary)
        {
            html.BeginTable($"Canary commands for {canary}", "Command", "What it does");
            Command(html, canary, "step", "Next step", $"Move canary {canary} to the next step", "the next configured weight now; from the last step the canary becomes live");
            Command(html, canary, "promote", "Promote", $"Promote canary {canary} to live", "the canary becomes the live slot now, skipping the remaining steps");
            Command(html, canary, "rollback", "Roll back", $"Roll back canary {canary}", "everyone back on the live slot now; the canary's weight becomes 0");
            Command(html, canary, "analyse", "Analyse", $"Analyse canary {canary} now", "run the analysis on this step's requests now instead of at the next interval");
            html.EndTable();
        }

        Decisions(html, reading);
    }

    public async Task<string?> ActAsync(string action, IFormCollection form, CancellationToken cancellationToken)
    {
        if (!EdgeRelease.Commands.Contains(action) || edge.Edge is null)
        {
            return null;
        }

        // The button named the canary the operator saw; if the edge runs another one now (or none), acting would
        // promote or roll back something they did not look at.
        var seen = form["canary"].ToString();
        var now = await edge.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (now.Problem is null && now.State is { } state && seen.Length > 0 && !string.Equals(state.Canary, seen, StringComparison.OrdinalIgnoreCase))
        {
            return state.Canary is null
                ? $"Nothing was sent: canary {seen} is no longer in progress on the edge (live: {state.Live}, phase {state.Phase})."
                : $"Nothing was sent: the edge now runs canary {state.Canary}, not {seen}; check it below first.";
        }

        return await edge.CommandAsync(action, cancellationToken).ConfigureAwait(false);
    }

    private static void Summary(ControlRoomHtml html, EdgeReleaseState state, EdgeReading reading)
    {
        var steps = reading.Canary?.Steps ?? [];
        if (state.Canary is { } canary)
        {
            var limit = reading.Canary is { FailureLimit: > 0 } c ? string.Create(CultureInfo.InvariantCulture, $" of {c.FailureLimit} allowed") : string.Empty;
            html.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"Live: {state.Live}. Canary: {canary} at {state.Weight:0.##}%, step {state.Step + 1} of {steps.Count} ({string.Join(", ", steps.Select(s => s.ToString("0.##", CultureInfo.InvariantCulture) + "%"))}); {state.Failures} failed analysis(es){limit}."),
                state.Failures > 0 ? "warn" : null);
        }
        else
        {
            html.Paragraph($"Live: {state.Live}. No canary in progress (last rollout: {state.Phase}).", "ok");
        }

        if (reading.Canary is { } thresholds)
        {
            html.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"Analysis: a step needs {thresholds.MinSample} canary requests, an error rate of at most {Percent(thresholds.MaxErrorRate)} and a p99 of at most {Ms(thresholds.MaxP99)}."),
                "muted");
        }

        if (reading.BlastRadius is { Requests: > 0 } blast)
        {
            html.Paragraph(string.Create(CultureInfo.InvariantCulture,
                $"Blast radius of this rollout: {blast.Errors} of {blast.Requests} customer requests failed ({Percent(blast.ErrorRate)})."),
                blast.Errors > 0 ? "warn" : null);
        }
    }

    private static void Slots(ControlRoomHtml html, EdgeReleaseState state, EdgeReading reading)
    {
        html.BeginTable("Release slots: this step's and this rollout's requests through the edge", "Slot", "Role", "In flight", "Requests (step)", "Error rate (step)", "p99 (step)", "Requests (rollout)", "Error rate (rollout)");
        foreach (var slot in reading.Slots)
        {
            var step = reading.Step.GetValueOrDefault(slot.Name);
            var rollout = reading.Rollout.GetValueOrDefault(slot.Name);
            var limit = reading.Canary?.MaxErrorRate ?? 1;
            html.BeginRow(slot.Name);
            html.Cell(slot.Name);
            html.Cell(slot.Role == "canary" ? string.Create(CultureInfo.InvariantCulture, $"canary ({state.Weight:0.##}%)") : slot.Role, slot.Role == "live" ? "ok" : slot.Role == "canary" ? "warn" : "muted");
            html.Cell(slot.InFlight);
            html.Cell(step?.Requests ?? 0);
            html.Cell(Rate(step), step is { Requests: > 0 } s && s.ErrorRate > limit ? "bad" : null);
            html.Cell(Ms(step?.P99), step?.P99 is { } p99 && reading.Canary?.MaxP99 is { } max && p99 > max ? "bad" : null);
            html.Cell(rollout?.Requests ?? 0);
            html.Cell(Rate(rollout), rollout is { Requests: > 0 } r && r.ErrorRate > limit ? "bad" : null);
            html.EndRow();
        }

        html.EndTable();
    }

    private static void Command(ControlRoomHtml html, string canary, string command, string label, string accessibleName, string effect)
    {
        html.BeginRow(command);
        html.BeginCell();
        html.ActionButton(command, label, accessibleName, ("canary", canary));
        html.EndCell();
        html.Cell(effect);
        html.EndRow();
    }

    private static void Decisions(ControlRoomHtml html, EdgeReading reading)
    {
        if (reading.Decisions.Count == 0)
        {
            html.Paragraph("No release decision yet.", "muted");
            return;
        }

        html.BeginTable(
            string.Create(CultureInfo.InvariantCulture, $"Release decisions, newest first ({reading.Decisions.Count} of {reading.TotalDecisions})"),
            "When (UTC)", "Decision", "Requests", "Error rate", "p99", "After it", "Why");
        foreach (var decision in reading.Decisions)
        {
            html.BeginRow();
            html.Cell(decision.At?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            html.Cell(decision.Action, decision.Action switch
            {
                "RollBack" or "rollback" or "Fail" => "bad",
                "Hold" => "warn",
                "Promote" or "Complete" or "promote" or "step" => "ok",
                _ => null,
            });
            html.Cell(decision.Figures is { } f ? f.Requests.ToString(CultureInfo.InvariantCulture) : null);
            html.Cell(decision.Figures is { } e ? Rate(e) : null);
            html.Cell(decision.Figures is { } p ? Ms(p.P99) : null);
            html.Cell(decision.State is { } s
                ? s.Canary is { } c ? string.Create(CultureInfo.InvariantCulture, $"live {s.Live}, canary {c} at {s.Weight:0.##}%") : $"live {s.Live}"
                : null);
            html.Cell(decision.Detail);
            html.EndRow();
        }

        html.EndTable();
    }

    private static string Rate(EdgeWindow? window) =>
        window is { Requests: > 0 } w ? Percent(w.ErrorRate) : "n/a";

    // Not "P2": the invariant culture writes "0.00 %", which reads oddly beside the edge's own figures.
    private static string Percent(double share) => (share * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";

    private static string Ms(TimeSpan? value) =>
        value is not { } v ? "n/a" : v >= TimeSpan.FromDays(1) ? "> 10 s" : v.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
