namespace Bulwark.Drills.Model;

/// <summary>What a drill is, as <see cref="IDrill"/> reports it: its command-line name, the Codex's name, the question and the patterns.</summary>
/// <param name="Name">The command-line name, e.g. <c>plug-pull</c>.</param>
/// <param name="Title">The Codex's name, e.g. <c>Plug-Pull</c>.</param>
/// <param name="Question">The Codex checklist question, quoted.</param>
/// <param name="Patterns">The Codex patterns whose presence the drill tests.</param>
public sealed record DrillDescription(string Name, string Title, string Question, IReadOnlyList<string> Patterns);
