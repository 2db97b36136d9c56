'use client';

import { useEffect, useRef, useState, type RefObject } from 'react';
import { ResponsiveContainer, Sankey, Tooltip, type SankeyNodeProps } from 'recharts';
import type { AssignmentFlow, FlowNode } from '@/lib/queries/assignment-flows';
import { count, countOf } from '@/lib/format';
import { ChartFrame } from './chart-frame';
import { FLOW_COLORS } from './palette';
import { WRAPPING } from './tooltip';
import styles from './assignment-sankey.module.css';

const MIN_WIDTH = 720;
const LABEL_CHARS = 22;
const NODE_WIDTH = 12;
/** Room for the channel labels on the left and the agent labels on the right: 22 characters, a possible id suffix cut by the ellipsis, and " · 12,345" (12 px text, about 6.6 px a character). */
const MARGIN = { top: 28, right: 200, bottom: 8, left: 220 };

const conversations = (n: number) => countOf(n, 'conversation');
const colorOf = (node: FlowNode) => (node.kind === 'entity' ? FLOW_COLORS[node.layer] : FLOW_COLORS.none);
const shorten = (name: string) => (name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1)}…` : name);

/**
 * Conversations by channel → group → agent as a Sankey: node and link widths are conversations.
 * Below 720 px it scrolls sideways rather than squeezing the labels; the same flows are listed in
 * a table under it. Plain data in, nothing fetched.
 */
export function AssignmentSankey({ flow }: { flow: AssignmentFlow }) {
  const perLayer = Math.max(...(['channel', 'group', 'agent'] as const).map((layer) => flow.nodes.filter((n) => n.layer === layer).length));
  const height = Math.max(320, perLayer * 34 + MARGIN.top + MARGIN.bottom + 24);
  const plot = useRef<HTMLDivElement>(null);
  const inView = useSpanInView(plot);
  return (
    <>
      <div className={styles.legend} aria-hidden="true">
        {(['channel', 'group', 'agent'] as const).map((layer) => (
          <span key={layer}>
            <i style={{ background: FLOW_COLORS[layer] }} /> {layer}
          </span>
        ))}
        <span>
          <i style={{ background: FLOW_COLORS.none }} /> nobody / other
        </span>
        <span>width: conversations</span>
      </div>
      <p className={styles.hint}>Scroll sideways for groups and agents →</p>
      <ChartFrame className={styles.scroll} label="Conversations created in the range by channel, group and agent">
        <div ref={plot} className={styles.plot} style={{ minWidth: MIN_WIDTH }}>
          {/* Column titles sit over the node columns: same margins as the Sankey's. */}
          <span className={styles.column} style={{ right: `calc(100% - ${MARGIN.left + NODE_WIDTH}px)` }}>
            Channel
          </span>
          <span className={styles.column} style={{ left: `calc(${MARGIN.left}px + (100% - ${MARGIN.left + MARGIN.right + NODE_WIDTH}px) / 2)` }}>
            Group
          </span>
          <span className={styles.column} style={{ left: `calc(100% - ${MARGIN.right + NODE_WIDTH}px)` }}>
            Agent
          </span>
          <ResponsiveContainer width="100%" height={height}>
            <Sankey
              data={{ nodes: flow.nodes, links: flow.links }}
              node={FlowNodeShape}
              link={{ stroke: '#5b7083', strokeOpacity: 0.28 }}
              nodeWidth={NODE_WIDTH}
              nodePadding={18}
              iterations={64}
              margin={MARGIN}
              accessibilityLayer={false}
            >
              <Tooltip
                formatter={(value, name, item) => [conversations(Number(value)), linkLabel(item.payload) ?? String(name)]}
                // Scrolled sideways, the diagram shows a part of itself: the tooltip goes to that part's left edge, as wide as it at most.
                position={inView ? { x: inView.left + TOOLTIP_INSET } : undefined}
                wrapperStyle={inView ? { maxWidth: inView.width - 2 * TOOLTIP_INSET } : undefined}
                contentStyle={WRAPPING}
              />
            </Sankey>
          </ResponsiveContainer>
        </div>
      </ChartFrame>
    </>
  );
}

const TOOLTIP_INSET = 4;

/**
 * The part of the diagram in view, in its own coordinates, while its frame scrolls sideways (null
 * when it shows whole). Recharts places a tooltip beside the pointer but no further left than the
 * plot's left margin (220 px), in a diagram 720 px wide: at 390 px, whose frame shows 340 of them,
 * the tooltip began at the frame's right edge and was cut off by it.
 */
function useSpanInView(plot: RefObject<HTMLDivElement | null>): { left: number; width: number } | null {
  const [span, setSpan] = useState<{ left: number; width: number } | null>(null);
  useEffect(() => {
    const frame = plot.current?.parentElement;
    if (!plot.current || !frame) return;
    const measure = () => {
      if (!plot.current || frame.scrollWidth <= frame.clientWidth) return setSpan(null);
      const style = getComputedStyle(frame);
      const visibleLeft = frame.getBoundingClientRect().left + frame.clientLeft + parseFloat(style.paddingLeft);
      const width = frame.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const left = Math.max(0, visibleLeft - plot.current.getBoundingClientRect().left);
      setSpan((current) => (current?.left === left && current.width === width ? current : { left, width }));
    };
    measure();
    frame.addEventListener('scroll', measure, { passive: true });
    const resize = new ResizeObserver(measure);
    resize.observe(frame);
    return () => {
      frame.removeEventListener('scroll', measure);
      resize.disconnect();
    };
  }, [plot]);
  return span;
}

/** "from → to" for a link (recharts' own label joins names with " - ", which names may contain); undefined for a node. */
function linkLabel(entry: unknown): string | undefined {
  type Link = { source?: { name?: string }; target?: { name?: string }; payload?: Link };
  // The entry's payload is the searcher's {payload, name, value}, and that payload is the link with its two nodes.
  const link = (entry as Link | undefined)?.payload;
  return link?.source?.name !== undefined && link.target?.name !== undefined ? `${link.source.name} → ${link.target.name}` : undefined;
}

/** A node with its label: channels labelled on the left, groups and agents on the right. */
function FlowNodeShape({ x, y, width, height, payload }: SankeyNodeProps) {
  const node = payload as unknown as FlowNode & { depth: number };
  const left = node.depth === 0;
  const label = `${shorten(node.name)} · ${count(node.conversations)}`;
  return (
    <g className="flow-node" data-layer={node.layer}>
      <title>{`${node.name}: ${conversations(node.conversations)}`}</title>
      <rect x={x} y={y} width={width} height={Math.max(height, 1)} fill={colorOf(node)} />
      <text
        x={left ? x - 6 : x + width + 6}
        y={y + height / 2}
        textAnchor={left ? 'end' : 'start'}
        dominantBaseline="middle"
        fontSize={12}
        fill="#1f2328"
        stroke="#ffffff"
        strokeWidth={3}
        paintOrder="stroke"
      >
        {label}
      </text>
    </g>
  );
}
