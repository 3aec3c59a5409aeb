/** A checkbox per team, checked for the teams in `checked`. */
export function TeamChecks(props: {
  teams: { id: string; name: string }[];
  checked: Set<string>;
  onChange: (teamIds: Set<string>) => void;
}) {
  return (
    <>
      {props.teams.map((team) => (
        <label key={team.id}>
          <input
            type="checkbox"
            checked={props.checked.has(team.id)}
            onChange={(e) => {
              const next = new Set(props.checked);
              if (e.target.checked) next.add(team.id);
              else next.delete(team.id);
              props.onChange(next);
            }}
          />
          {team.name}
        </label>
      ))}
    </>
  );
}
