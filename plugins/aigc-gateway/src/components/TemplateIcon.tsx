import BrushIcon from '@material-ui/icons/Brush';
import ChatIcon from '@material-ui/icons/Chat';
import CodeIcon from '@material-ui/icons/Code';
import ImageIcon from '@material-ui/icons/Image';
import MemoryIcon from '@material-ui/icons/Memory';
import MovieIcon from '@material-ui/icons/Movie';
import MusicNoteIcon from '@material-ui/icons/MusicNote';

const named: Record<string, typeof MemoryIcon> = {
  image: ImageIcon,
  brush: BrushIcon,
  chat: ChatIcon,
  code: CodeIcon,
  movie: MovieIcon,
  music: MusicNoteIcon,
};

/** A template's `icon`: an image URL, or one of a few icon names; a chip otherwise. */
export const TemplateIcon = (props: { icon?: string }) => {
  const { icon } = props;
  if (icon && /^(https?:\/\/|data:image\/)/.test(icon)) {
    return (
      <img
        src={icon}
        alt=""
        width={32}
        height={32}
        data-testid="template-icon"
      />
    );
  }
  const Icon = (icon && named[icon]) || MemoryIcon;
  return <Icon fontSize="large" color="primary" data-testid="template-icon" />;
};
