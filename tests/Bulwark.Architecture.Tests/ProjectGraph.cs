using System.Text.Json;
using System.Xml.Linq;

namespace Bulwark.Architecture.Tests;

/// <summary>Reads the libraries' project files (what is declared) and restore graphs (what is actually pulled in).</summary>
public static class ProjectGraph
{
    /// <summary>The repository root: the folder holding <c>Bulwark.slnx</c>, found upwards from the test's output.</summary>
    public static readonly string Root = FindRoot();

    /// <summary>The names of every library under <c>src/</c> (the folder and project name).</summary>
    public static IReadOnlyList<string> Libraries() =>
        [.. Directory.GetDirectories(Path.Combine(Root, "src"), "Bulwark.*")
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => File.Exists(ProjectFile(name)))
            .Order(StringComparer.Ordinal)];

    /// <summary>What one project file declares.</summary>
    public static Declared Declare(string project)
    {
        var xml = XDocument.Load(ProjectFile(project));
        IEnumerable<string> Items(string kind) =>
            xml.Descendants(kind).Select(e => (string?)e.Attribute("Include")).OfType<string>();
        return new Declared(
            [.. Items("ProjectReference").Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/')))],
            [.. Items("PackageReference")],
            [.. Items("FrameworkReference")]);
    }

    /// <summary>What a project declares itself plus everything its project references declare, transitively.</summary>
    public static Declared DeclareWithReferences(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        List<string> projects = [], packages = [], frameworks = [];
        while (pending.TryPop(out var next))
        {
            if (!seen.Add(next))
            {
                continue;
            }

            var declared = Declare(next);
            if (next != project)
            {
                projects.Add(next);
            }

            packages.AddRange(declared.Packages.Select(p => $"{p} (via {next})"));
            frameworks.AddRange(declared.Frameworks.Select(f => $"{f} (via {next})"));
            foreach (var reference in declared.Projects)
            {
                pending.Push(reference);
            }
        }

        return new Declared(projects, packages, frameworks);
    }

    /// <summary>
    /// What restore resolved for a project: every package and project it pulls in, transitively, and every shared
    /// framework any of them asks for. Needs the project restored (the test project references the ones it reads).
    /// </summary>
    public static Resolved Resolve(string project)
    {
        var assets = Path.Combine(Root, "artifacts", "obj", project, "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore {project} first (the test project references every package whose graph it reads).");
        using var json = JsonDocument.Parse(File.ReadAllText(assets));
        var root = json.RootElement;
        List<string> packages = [], frameworks = [];
        foreach (var library in root.GetProperty("libraries").EnumerateObject())
        {
            packages.Add(library.Name.Split('/')[0]);
        }

        foreach (var framework in root.GetProperty("project").GetProperty("frameworks").EnumerateObject())
        {
            if (framework.Value.TryGetProperty("frameworkReferences", out var direct))
            {
                frameworks.AddRange(direct.EnumerateObject().Select(f => f.Name));
            }
        }

        foreach (var target in root.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                if (library.Value.TryGetProperty("frameworkReferences", out var brought))
                {
                    frameworks.AddRange(brought.EnumerateArray().Select(f => $"{f.GetString()} (via {library.Name})"));
                }
            }
        }

        return new Resolved(packages, frameworks);
    }

    private static string ProjectFile(string project) => Path.Combine(Root, "src", project, project + ".csproj");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Bulwark.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Bulwark.slnx above {AppContext.BaseDirectory}.");
    }
}

/// <summary>References as written in project files.</summary>
/// <param name="Projects">Referenced Bulwark projects, by name.</param>
/// <param name="Packages">Package ids.</param>
/// <param name="Frameworks">Shared frameworks.</param>
public sealed record Declared(IReadOnlyList<string> Projects, IReadOnlyList<string> Packages, IReadOnlyList<string> Frameworks);

/// <summary>References as restore resolved them, transitively.</summary>
/// <param name="Libraries">Package and project ids.</param>
/// <param name="Frameworks">Shared frameworks, with what brought each in.</param>
public sealed record Resolved(IReadOnlyList<string> Libraries, IReadOnlyList<string> Frameworks);
