using System.Globalization;
using System.Text;
using Bulwark.ControlRoom.Hosting;
using Bulwark.ControlRoom.Rendering;
using Bulwark.Messaging.DeadLetters;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Panels;

/// <summary>The dead-letter queue: inspect an entry, redrive it (with its original id) or purge it.</summary>
internal sealed class DeadLettersPanel(IOptions<ControlRoomOptions> options, IDeadLetterAdmin? admin = null) : IControlRoomPanel
{
    // A body preview, not the whole message: a claim-checked or binary body can be large.
    private const int BodyPreviewBytes = 4096;

    public string Id => "dead-letters";

    public string Title => "Dead letters";

    public async Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        if (admin is null)
        {
            html.Paragraph("No dead-letter queue: this application does not use Bulwark.Messaging.", "muted");
            return;
        }

        var depth = await admin.CountAsync(cancellationToken).ConfigureAwait(false);
        var letters = await admin.ListAsync(new DeadLetterFilter { Limit = options.Value.DeadLetterPageSize }, cancellationToken).ConfigureAwait(false);
        if (letters.Count == 0)
        {
            html.Paragraph("The dead-letter queue is empty.", "ok");
            return;
        }

        html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"{depth} message(s) in the dead-letter queue; the oldest {letters.Count} below."), "warn");
        html.ActionButton("redrive-all", "Redrive all", "Redrive every dead letter");
        html.BeginTable("Dead letters, oldest first", "Dead-lettered (UTC)", "Queue", "Type", "Reason", "Attempts", "Inspect", "Actions");
        foreach (var letter in letters)
        {
            html.BeginRow(letter.Id);
            html.Cell(letter.DeadLetteredAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            html.Cell(letter.SourceQueue);
            html.Cell(letter.Envelope.MessageType);
            html.Cell(letter.Reason, letter.Permanent ? "bad" : "warn");
            html.Cell(letter.Attempts);
            html.BeginCell();
            html.Details($"Message {letter.Envelope.MessageId}", Describe(letter));
            html.EndCell();
            html.BeginCell();
            html.ActionButton("redrive", "Redrive", $"Redrive dead letter {letter.Id}", ("id", letter.Id));
            html.ActionButton("purge", "Purge", $"Purge dead letter {letter.Id}", ("id", letter.Id));
            html.EndCell();
            html.EndRow();
        }

        html.EndTable();
    }

    public async Task<string?> ActAsync(string action, IFormCollection form, CancellationToken cancellationToken)
    {
        if (admin is null)
        {
            return null;
        }

        var id = form["id"].ToString();
        if (action == "redrive-all")
        {
            var count = await admin.RedriveAsync(DeadLetterFilter.All, cancellationToken).ConfigureAwait(false);
            return string.Create(CultureInfo.InvariantCulture, $"{count} dead letter(s) were sent back to their queues.");
        }

        return action switch
        {
            "redrive" when id.Length > 0 => await admin.RedriveAsync(id, cancellationToken).ConfigureAwait(false)
                ? $"Dead letter {id} was sent back to its queue."
                : $"Dead letter {id} is no longer in the queue.",
            "purge" when id.Length > 0 => await admin.PurgeAsync(id, cancellationToken).ConfigureAwait(false)
                ? $"Dead letter {id} was deleted."
                : $"Dead letter {id} is no longer in the queue.",
            _ => null,
        };
    }

    private static string Describe(DeadLetter letter)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"entry:       {letter.Id}\nmessage id:  {letter.Envelope.MessageId}\ntype:        {letter.Envelope.MessageType}\n");
        text.Append(CultureInfo.InvariantCulture, $"correlation: {letter.Envelope.CorrelationId}\ntraceparent: {letter.Envelope.TraceParent}\n");
        text.Append(CultureInfo.InvariantCulture, $"permanent:   {letter.Permanent}\nexception:   {letter.ExceptionType}\nreason:      {letter.Reason}\n");
        foreach (var (name, value) in letter.Envelope.Headers)
        {
            text.Append(CultureInfo.InvariantCulture, $"header {name}: {value}\n");
        }

        var body = letter.Envelope.Body.Span;
        var preview = body.Length > BodyPreviewBytes ? body[..BodyPreviewBytes] : body;
        text.Append(CultureInfo.InvariantCulture, $"\nbody ({body.Length} bytes{(body.Length > BodyPreviewBytes ? ", first 4 KiB" : string.Empty)}):\n");
        text.Append(letter.Envelope.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase) || letter.Envelope.ContentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            ? Encoding.UTF8.GetString(preview)
            : Convert.ToBase64String(preview));
        if (letter.StackTrace is { Length: > 0 } stack)
        {
            text.Append("\n\nstack trace:\n").Append(stack);
        }

        return text.ToString();
    }
}
