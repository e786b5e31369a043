using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

// MlNetIconclass.NotebookRunner NOTEBOOK.ipynb [--replace OLD=NEW]...
// Runs the notebook's C# cells in order in a kernel with #r "nuget:" and #i support, in the notebook's folder, after
// replacing text in its code (a test points the package source and version at a fresh pack). Prints one line per cell
// and "charts: N" (PNG images displayed); exits 1 on the first failing cell.
if (args.Length == 0 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: MlNetIconclass.NotebookRunner NOTEBOOK.ipynb [--replace OLD=NEW]...");
    return 2;
}
var replacements = args.Skip(1)
    .Chunk(2)
    .Where(pair => pair is ["--replace", _])
    .Select(pair => pair[1].Split('=', 2))
    .ToArray();
string notebook = Path.GetFullPath(args[0]);
Directory.SetCurrentDirectory(Path.GetDirectoryName(notebook)!);

var document = Notebook.Parse(await File.ReadAllTextAsync(notebook));

// As Polyglot Notebooks do: a package's assemblies become references, and its native libraries are found in the
// package folders (runtimes/RID/native) when a P/Invoke asks for them.
var nativeFolders = new List<string>();
System.Runtime.Loader.AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
{
    foreach (var folder in nativeFolders)
    foreach (var file in new[] { name, $"lib{name}.so", $"{name}.so", $"lib{name}.dylib", $"{name}.dll" })
        if (System.Runtime.InteropServices.NativeLibrary.TryLoad(Path.Combine(folder, file), out var handle))
            return handle;
    return IntPtr.Zero;
};
string runtime = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
using var kernel = new CSharpKernel().UseKernelHelpers();
kernel.UseNugetDirective(
    (k, packages) =>
    {
        foreach (var package in packages)
        foreach (
            var folder in package.ProbingPaths.Append(Path.Combine(package.PackageRoot, "runtimes", runtime, "native"))
        )
            if (Directory.Exists(folder) && !nativeFolders.Contains(folder))
                nativeFolders.Add(folder);
        k.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
        return Task.CompletedTask;
    },
    false
);
int charts = 0;
var cells = document.Elements.Where(e => e.KernelName is null or "csharp").ToArray();
for (int i = 0; i < cells.Length; i++)
{
    string code = replacements.Aggregate(
        cells[i].Contents,
        (text, r) => text.Replace(r[0], r[1], StringComparison.Ordinal)
    );
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var result = await kernel.SendAsync(new SubmitCode(code));
    if (result.Events.OfType<CommandFailed>().FirstOrDefault() is { } failure)
    {
        Console.Error.WriteLine($"code cell {i + 1} failed: {failure.Message}\n---\n{code}");
        return 1;
    }
    charts += result
        .Events.OfType<DisplayEvent>()
        .SelectMany(e => e.FormattedValues)
        .Count(v => v.MimeType == "text/html" && v.Value.Contains("data:image/png;base64,", StringComparison.Ordinal));
    Console.WriteLine($"code cell {i + 1}: {clock.Elapsed.TotalSeconds:0.0} s");
}
Console.WriteLine($"charts: {charts}");
return 0;
