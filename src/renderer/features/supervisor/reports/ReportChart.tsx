import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/**
 * A bar chart of one figure per bucket (chart.js on a canvas). The canvas is an image with an
 * accessible name; the same figures are in the table beside it for screen readers and copying.
 */
export function ReportChart(props: { label: string; labels: string[]; values: (number | null)[] }) {
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const chart = useRef<Chart<'bar', (number | null)[], string> | null>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<'bar', (number | null)[], string> = {
      type: 'bar',
      data: { labels: [], datasets: [{ label: '', data: [], backgroundColor: '#3b82f6' }] },
      // No animation: the figures are read, not watched, and a reduced-motion user gets no motion.
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true } },
      },
    };
    chart.current = new Chart(canvas.current, config);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = props.labels;
    c.data.datasets[0]!.label = props.label;
    c.data.datasets[0]!.data = props.values;
    c.update();
  }, [props.label, props.labels, props.values]);
  return (
    <div className="report-chart">
      <canvas ref={canvas} role="img" aria-label={props.label} />
    </div>
  );
}
