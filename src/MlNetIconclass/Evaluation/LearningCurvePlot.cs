using System.Globalization;
using MlNetIconclass.Training;
using SkiaSharp;

namespace MlNetIconclass.Evaluation;

/// <summary>
/// The learning curve of a training run as a PNG: training loss (left axis) and validation R@10 and MRR (right
/// axis, 0 to 1) by epoch, thesaurus pretraining epochs first. Drawn with SkiaSharp directly: ScottPlot 5.1 needs
/// SkiaSharp 3, which breaks ML.NET's ImageAnalytics 5.0 in the same process.
/// </summary>
public static class LearningCurvePlot
{
    private const int Width = 900, Height = 520, Left = 70, Right = 80, Top = 70, Bottom = 60;

    private static readonly (string Name, SKColor Color)[] Series =
    [
        ("training loss", new SKColor(0x1f, 0x77, 0xb4)),
        ("validation R@10", new SKColor(0xd6, 0x27, 0x28)),
        ("validation MRR", new SKColor(0x2c, 0xa0, 0x2c)),
    ];

    public static void Save(IReadOnlyList<EpochReport> epochs, string path, string title)
    {
        using var bitmap = new SKBitmap(Width, Height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 13);
        using var titleFont = new SKFont(typeface, 16);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 1 };
        using var grid = new SKPaint { Color = new SKColor(0xe0, 0xe0, 0xe0), StrokeWidth = 1 };

        var plot = new SKRect(Left, Top, Width - Right, Height - Bottom);
        double maxLoss = Math.Max(epochs.Select(e => e.Loss).DefaultIfEmpty(1).Max() * 1.05, 1e-6);
        float X(int i) => epochs.Count <= 1 ? plot.MidX : plot.Left + i * plot.Width / (epochs.Count - 1);
        float YLoss(double loss) => plot.Bottom - (float)(loss / maxLoss) * plot.Height;
        float YMetric(double value) => plot.Bottom - (float)value * plot.Height;

        canvas.DrawText(title, Left, 25, titleFont, ink);
        for (int tick = 0; tick <= 5; tick++)
        {
            float y = plot.Bottom - tick * plot.Height / 5;
            canvas.DrawLine(plot.Left, y, plot.Right, y, grid);
            canvas.DrawText((maxLoss * tick / 5).ToString("0.00", CultureInfo.InvariantCulture), 10, y + 4, font, ink);
            canvas.DrawText((tick / 5.0).ToString("0.0", CultureInfo.InvariantCulture), plot.Right + 10, y + 4, font, ink);
        }
        for (int i = 0; i < epochs.Count; i++)
        {
            string label = $"{(epochs[i].Phase.StartsWith("thesaurus", StringComparison.Ordinal) ? "T" : "")}{epochs[i].Epoch}";
            canvas.DrawText(label, X(i) - 6, plot.Bottom + 18, font, ink);
        }
        using (var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke }) canvas.DrawRect(plot, frame);
        canvas.DrawText("epoch (T: thesaurus pretraining)", plot.MidX - 100, Height - 15, font, ink);
        canvas.DrawText("loss", 10, Top - 15, font, ink);
        canvas.DrawText("R@10, MRR", plot.Right - 10, Top - 15, font, ink);

        DrawSeries(canvas, epochs.Select((e, i) => (X(i), (float?)YLoss(e.Loss))), Series[0].Color);
        DrawSeries(canvas, epochs.Select((e, i) => (X(i), e.ValidationRecallAt10 is { } r ? YMetric(r) : (float?)null)), Series[1].Color);
        DrawSeries(canvas, epochs.Select((e, i) => (X(i), e.ValidationMrr is { } m ? YMetric(m) : (float?)null)), Series[2].Color);

        for (int s = 0; s < Series.Length; s++)
        {
            float x = plot.Left + 10 + s * 170, y = plot.Top + 15;
            using var swatch = new SKPaint { Color = Series[s].Color, StrokeWidth = 3 };
            canvas.DrawLine(x, y, x + 25, y, swatch);
            canvas.DrawText(Series[s].Name, x + 30, y + 4, font, ink);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        Collections.AtomicFile.WriteAsync(path, stream => { png.SaveTo(stream); return Task.CompletedTask; }).GetAwaiter().GetResult();
    }

    private static void DrawSeries(SKCanvas canvas, IEnumerable<(float X, float? Y)> points, SKColor color)
    {
        using var line = new SKPaint { Color = color, StrokeWidth = 2.5f, IsAntialias = true, Style = SKPaintStyle.Stroke };
        using var dot = new SKPaint { Color = color, IsAntialias = true };
        (float X, float Y)? previous = null;
        foreach (var (x, y) in points)
        {
            if (y is not { } value) { previous = null; continue; }
            if (previous is { } p) canvas.DrawLine(p.X, p.Y, x, value, line);
            canvas.DrawCircle(x, value, 3.5f, dot);
            previous = (x, value);
        }
    }
}
